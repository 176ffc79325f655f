// `node dist/benchOrtMemory.js MODEL_DIR`: what onnxruntime does with bf16 weights read in place from a safetensors
// file (external data) and cast to float32 in the graph, under each session option. Every variant runs in its own
// process; it prints the resident memory after the session is created and after a forward(+backward) run.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { gradients, Graph, saveModel, scheduleUpcasts, type Tensor } from '../../../src/core/engine';
import { locateCheckpoint } from '../../../src/core/model/load';
import { fileSliceOf } from '../../../src/core/model/safetensors';

interface Variant { name: string; backward: boolean; options: ort.InferenceSession.SessionOptions; recast?: boolean; schedule?: boolean }

const TOKENS = 512;
const NO_FOLDING = { optimization: { disable_specified_optimizers: 'ConstantFolding' } };
const NO_PREPACK = { session: { disable_prepacking: '1' } };
const VARIANTS: Variant[] = [
  { name: 'forward, defaults (level all)', backward: false, options: {} },
  { name: 'forward, defaults + disable_prepacking', backward: false, options: { extra: NO_PREPACK } },
  { name: 'forward, ConstantFolding disabled', backward: false, options: { extra: NO_FOLDING } },
  { name: 'forward, level disabled', backward: false, options: { graphOptimizationLevel: 'disabled' } },
  { name: 'forward, up-casts scheduled', backward: false, schedule: true, options: {} },
  { name: 'forward, up-casts scheduled, arena off', backward: false, schedule: true, options: { enableCpuMemArena: false } },
  { name: 'forward, up-casts scheduled, mem pattern off', backward: false, schedule: true, options: { enableMemPattern: false } },
  { name: 'fwd+bwd, defaults', backward: true, options: {} },
  { name: 'fwd+bwd, scheduled, one Cast shared fwd/bwd', backward: true, schedule: true, options: {} },
  { name: 'fwd+bwd, scheduled, backward re-casts', backward: true, recast: true, schedule: true, options: {} },
];

const rssMiB = (): number => Number(fs.readFileSync('/proc/self/statm', 'utf8').split(' ')[1]) * 4096 / 2 ** 20;

/** A chain of the checkpoint's MLP matrices (gate then down of every layer): x [512, d] -> sum. */
function chainGraph(modelDir: string, variant: Variant): Graph {
  const located = locateCheckpoint(modelDir, 'hf');
  const g = new Graph('chain');
  const x = g.input('x', 'float32', ['tokens', located.config.hiddenSize]);
  let h: Tensor = x;
  for (let layer = 0; layer < located.config.numLayers; layer++) {
    for (const type of ['mlp.gate_proj', 'mlp.down_proj']) {
      const name = `model.layers.${layer}.${type}.weight`;
      const w = g.initializer(name, fileSliceOf(located.locations.get(name) as never));
      const forward = g.gemm(h, g.cast(w, 'float32'), { transB: true });
      h = g.mul(forward, g.scalar(0.5, 'float32'));
    }
  }
  const loss = g.reduceSum(h, undefined, false);
  g.output(loss, 'loss');
  if (variant.backward) g.output(gradients(g, loss, [x], { recastWeights: variant.recast === true })[0], 'dx');
  if (variant.schedule) scheduleUpcasts(g);
  return g;
}

async function child(modelDir: string, variant: Variant): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-ortmem-'));
  const { modelPath } = saveModel(chainGraph(modelDir, variant), path.join(dir, 'model.onnx'));
  const before = rssMiB();
  const started = performance.now();
  const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3, ...variant.options });
  const created = rssMiB();
  const createSeconds = (performance.now() - started) / 1000;
  const d = locateCheckpoint(modelDir, 'hf').config.hiddenSize;
  const t0 = performance.now();
  await session.run({ x: new ort.Tensor('float32', new Float32Array(TOKENS * d).fill(0.01), [TOKENS, d]) });
  const runSeconds = (performance.now() - t0) / 1000;
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ before, created, createSeconds, runSeconds, peak: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

function parent(modelDir: string): void {
  const located = locateCheckpoint(modelDir, 'hf');
  const bytes = 2 * located.config.numLayers * 2 * located.config.hiddenSize * located.config.intermediateSize;
  process.stdout.write(`${located.config.numLayers * 2} bf16 matrices, ${(bytes / 2 ** 20).toFixed(0)} MiB stored (${(2 * bytes / 2 ** 20).toFixed(0)} MiB as float32); ${TOKENS} tokens\n`);
  for (const [i, variant] of VARIANTS.entries()) {
    // Each variant stays under 2 GiB with the 0.5B shape: no need for the shared heavy-job lock.
    const result = spawnSync(process.execPath, [__filename, modelDir, String(i)], { encoding: 'utf8' });
    const line = result.status === 0 ? JSON.parse(result.stdout.trim().split('\n').at(-1) as string) : undefined;
    const text = line
      ? `after create +${(line.created - line.before).toFixed(0)} MiB (${line.createSeconds.toFixed(1)} s), peak ${line.peak.toFixed(0)} MiB, run ${line.runSeconds.toFixed(2)} s`
      : `failed: ${result.stderr.trim().split('\n').slice(-2).join(' | ')}`;
    process.stdout.write(`${variant.name.padEnd(58)} ${text}\n`);
  }
}

const [modelDir, index] = process.argv.slice(2);
if (index === undefined) parent(modelDir);
else child(modelDir, VARIANTS[Number(index)]).catch((e: unknown) => { process.stderr.write(`${String(e)}\n`); process.exitCode = 1; });
