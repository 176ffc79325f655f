/**
 * Sensitivity probe: seconds per example with the ghost and the direct form, and one probe example against one
 * training-style forward + backward of the frozen model (gradients w.r.t. every target weight) on the same example.
 */
import * as os from 'node:os';
import { crossEntropy, EngineSession, gradients, Graph, type HostTensor } from '../../src/core/engine';
import { MODULE_TYPES, randomModel, tinyConfig, type LoadedModel } from '../../src/core/model';
import { buildDecoder } from '../../src/core/model/decoder/decoder';
import { frozenWeights } from '../../src/core/model/decoder/weightSource';
import { decoderForward } from '../../src/core/probe/graph';
import { ProbeRunner } from '../../src/core/probe/runner';
import { methodsFor, targetsOf, type MethodChoice, type ProbeTarget } from '../../src/core/probe/targets';
import type { EncodedExample } from '../../src/core/data';

const TOKENS = 128;
const REPEATS = 5;
const CONFIG = tinyConfig({ vocabSize: 4096, hiddenSize: 512, intermediateSize: 1376, numLayers: 4, numHeads: 8, numKvHeads: 4, headDim: 64, maxPositions: 512 });

function benchExample(seed: number): EncodedExample {
  const inputIds = Array.from({ length: TOKENS }, (_, t) => 3 + ((seed * 7919 + t * 104729) % (CONFIG.vocabSize - 3)));
  return { inputIds, labels: inputIds.map((id, t) => (t < TOKENS / 4 ? -100 : id)) };
}

async function median(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
}

async function probeMs(model: LoadedModel, targets: readonly ProbeTarget[], method: MethodChoice, batch: number): Promise<{ msPerExample: number; firstModule: number }> {
  const examples = Array.from({ length: batch }, (_, b) => benchExample(b + 1));
  const runner = new ProbeRunner({
    forward: decoderForward(model.config, (g) => frozenWeights(g, model)), targets,
    methods: methodsFor(targets, method, [{ examples: batch, tokens: TOKENS }]),
    createSession: (g) => EngineSession.fromGraph(g, { device: 'cpu' }),
  });
  try {
    const firstModule = (await runner.norms(examples.slice(0, 1)))[0][0];
    return { msPerExample: (await median(() => runner.norms(examples))) / batch, firstModule };
  } finally {
    await runner.dispose();
  }
}

/** Forward, mean CE and dL/dW for every target weight (each reduced to its squared norm in-graph, to skip the copy out). */
async function trainingStyleMs(model: LoadedModel, targets: readonly ProbeTarget[]): Promise<{ ms: number; firstModule: number }> {
  const g = new Graph('frozen_fwd_bwd');
  const ids = g.input('input_ids', 'int64', [1, 'seq']);
  const labels = g.input('labels', 'int64', [1, 'seq']);
  const weight = frozenWeights(g, model);
  const { logits } = buildDecoder(g, { config: model.config, weight, inputIds: ids });
  const { loss } = crossEntropy(g, logits, labels, { shift: true });
  const grads = gradients(g, loss, targets.map((t) => weight(`${t.name}.weight`)));
  g.output(g.concat(grads.map((d) => g.unsqueeze(g.reduceSum(g.mul(d, d), undefined, false), [0])), 0), 'squared_norms');
  const session = await EngineSession.fromGraph(g, { device: 'cpu' });
  const e = benchExample(1);
  const row = (values: number[]): HostTensor => ({ dtype: 'int64', dims: [1, values.length], data: BigInt64Array.from(values.map(BigInt)) });
  const feeds = { input_ids: row(e.inputIds), labels: row(e.labels) };
  try {
    const firstModule = ((await session.run(feeds)).squared_norms.data as Float32Array)[0];
    return { ms: await median(() => session.run(feeds)), firstModule };
  } finally {
    await session.dispose();
  }
}

export async function runProbeBench(): Promise<void> {
  const c = CONFIG;
  process.stdout.write(`(${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}; median of ${REPEATS} runs after a warm-up)\n`);
  process.stdout.write(`random model d=${c.hiddenSize}, ${c.numLayers} layers, ${c.numHeads} heads (${c.numKvHeads} KV, head ${c.headDim}), MLP ${c.intermediateSize}, vocab ${c.vocabSize}; T=${TOKENS} tokens per example, all seven module types (${c.numLayers * 7} matrices)\n`);
  const model = randomModel(c, 1);
  const targets = targetsOf(c, [...MODULE_TYPES]);
  const results: Record<string, { msPerExample: number; firstModule: number }> = {};
  for (const method of ['ghost', 'direct', 'auto'] as const) {
    for (const batch of [1, 8]) {
      const r = (results[`${method}/${batch}`] = await probeMs(model, targets, method, batch));
      process.stdout.write(`probe ${method.padEnd(6)} batch ${batch}: ${(r.msPerExample / 1000).toFixed(4)} s/example\n`);
    }
  }
  const training = await trainingStyleMs(model, targets);
  const probe = results['auto/1'];
  const agree = Math.abs(training.firstModule - probe.firstModule) / training.firstModule;
  process.stdout.write(`training-style forward+backward (dL/dW for all ${targets.length} target matrices), batch 1: ${(training.ms / 1000).toFixed(4)} s\n`);
  process.stdout.write(`ratio one probe example / one forward+backward: ${(probe.msPerExample / training.ms).toFixed(2)} (batch 1, auto), `
    + `${(results['auto/8'].msPerExample / training.ms).toFixed(2)} (batch 8, auto); ||dW||^2 of ${targets[0].name} agrees to ${agree.toExponential(1)}\n`);
}
