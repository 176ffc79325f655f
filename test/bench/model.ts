/** Model layer: KV-cache generation against full recomputation at 128 new tokens, and load/forward timings. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  greedyByRecomputation, KvCacheGenerator, loadModel, LogitsRunner, randomModel, tinyConfig, type ModelWeights,
} from '../../src/core/model';

const NEW_TOKENS = 128;

function sharedModel(): string | undefined {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const relative = path.join('shared', 'data', 'models', 'stories260K', 'stories260K.bin');
  return [path.resolve(dir, '..', relative), path.resolve(process.cwd(), '..', relative)].find((file) => fs.existsSync(file));
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

async function compareGeneration(label: string, model: ModelWeights): Promise<void> {
  const prompt = [1, 5, 9, 13, 17, 21, 25, 29];
  const generator = await KvCacheGenerator.create(model, { device: 'cpu' });
  const runner = await LogitsRunner.create(model, { device: 'cpu' });
  try {
    await generator.greedy(prompt, 4);
    await greedyByRecomputation(runner, prompt, 4, []);
    const cached = await timed(() => generator.generate(prompt, { maxNewTokens: NEW_TOKENS, greedy: true, stopIds: [] }));
    const full = await timed(() => greedyByRecomputation(runner, prompt, NEW_TOKENS, []));
    const same = cached.value.join() === full.value.join() ? 'same ids' : 'IDS DIFFER';
    process.stdout.write(
      `${label}: ${NEW_TOKENS} new tokens — KV cache ${cached.ms.toFixed(0)} ms (${(cached.ms / NEW_TOKENS).toFixed(2)} ms/token), ` +
      `recomputation ${full.ms.toFixed(0)} ms; speed-up ${(full.ms / cached.ms).toFixed(1)}x (${same})\n`,
    );
  } finally {
    await generator.dispose();
    await runner.dispose();
  }
}

export async function runModelBench(): Promise<void> {
  process.stdout.write(`(${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}: times scale with other work on the machine)\n`);
  const small = randomModel(tinyConfig({ vocabSize: 512, hiddenSize: 128, intermediateSize: 344, numLayers: 4, numHeads: 8, numKvHeads: 4, headDim: 16, maxPositions: 256 }), 1);
  await compareGeneration('random 4-layer d=128 GQA model', small);
  const medium = randomModel(tinyConfig({ vocabSize: 4096, hiddenSize: 512, intermediateSize: 1376, numLayers: 8, numHeads: 8, numKvHeads: 2, headDim: 64, maxPositions: 512 }), 2);
  await compareGeneration('random 8-layer d=512 GQA model (~30M parameters)', medium);
  const stories = sharedModel();
  if (!stories) {
    process.stdout.write('stories260K: ../shared/data is not present; skipped\n');
    return;
  }
  const load = await timed(async () => loadModel(stories));
  process.stdout.write(`stories260K.bin: loaded in ${load.ms.toFixed(1)} ms\n`);
  await compareGeneration('stories260K (llama2.c)', load.value);
}
