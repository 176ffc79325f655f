// Training benchmark: LoRA-MoE (shared-a, a vote-style allocation) vs plain LoRA of equal rank on the same
// modules, same model and data; tokens/s and peak RSS per configuration (each in a fresh process), and the
// achieved GFLOP/s of a training step as a fraction of the measured MatMul peak.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineSession, Graph } from '../../src/core/engine';
import { moduleTrainableParams } from '../../src/core/algo';
import { moduleShape, parseModuleName, type ModelConfig } from '../../src/core/model/config';
import { allAttention, type ChildSpec } from './trainChild';

const MODEL: ModelConfig = {
  modelType: 'llama', vocabSize: 2048, hiddenSize: 512, intermediateSize: 1376, numLayers: 4, numHeads: 8, numKvHeads: 4, headDim: 64,
  rmsNormEps: 1e-5, ropeTheta: 10000, ropeLayout: 'half', tieWordEmbeddings: false, attentionBias: false, maxPositions: 512, bosTokenId: 1, eosTokenId: 2,
};
const SHAPE = { batch: 4, seq: 256, rank: 8, steps: 6, warmup: 2 };

/** A vote-like map: 0-4 experts per attention module, more in the upper layers (as the paper's maps look). */
function voteMap(): Record<string, number> {
  const pattern = [2, 1, 3, 0, 1, 2, 2, 1, 3, 2, 4, 2, 4, 3, 2, 3];
  return Object.fromEntries(allAttention(MODEL).map((name, i) => [name, pattern[i % pattern.length]]));
}

function plainMap(): Record<string, number> {
  return Object.fromEntries(allAttention(MODEL).map((name) => [name, 1]));
}

/** Matrix FLOPs of one training step: frozen matmuls forward + input-gradient (no weight gradient), attention, LM head, adapters (x3). */
function stepFlops(experts: Record<string, number>): number {
  const tokens = SHAPE.batch * SHAPE.seq;
  let frozen = 0;
  for (const type of ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const) {
    const { dIn, dOut } = moduleShape(MODEL, type);
    frozen += MODEL.numLayers * 2 * tokens * dIn * dOut;
  }
  frozen += 2 * tokens * MODEL.hiddenSize * MODEL.vocabSize;
  const attention = MODEL.numLayers * 2 * 2 * SHAPE.batch * MODEL.numHeads * SHAPE.seq * SHAPE.seq * MODEL.headDim;
  let adapter = 0;
  for (const [name, n] of Object.entries(experts)) {
    const { dIn, dOut } = moduleShape(MODEL, parseModuleName(name)!.type);
    adapter += 2 * tokens * moduleTrainableParams('shared-a', SHAPE.rank, n, dIn, dOut);
  }
  return 2 * frozen + 3 * attention + 3 * adapter;
}

export async function matmulPeakGflops(): Promise<number> {
  const n = 1024;
  const g = new Graph('peak');
  const a = g.input('a', 'float32', [n, n]);
  const w = g.initializer('w', { dtype: 'float32', dims: [n, n], data: Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5) });
  g.output(g.matmul(a, w), 'y');
  const session = await EngineSession.fromGraph(g, { device: 'cpu' });
  const feeds = { a: { dtype: 'float32' as const, dims: [n, n], data: new Float32Array(n * n).fill(0.5) } };
  let best = Infinity;
  for (let i = 0; i < 12; i++) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    if (i >= 2) best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  await session.dispose();
  return (2 * n ** 3) / best / 1e9;
}

/** Bundles trainChild.ts with esbuild (a devDependency, as in `npm run bench`) so each config runs in its own process. */
function repoRoot(): string {
  const besideBundle = path.resolve(__dirname, '..');
  return fs.existsSync(path.join(besideBundle, 'test', 'bench', 'trainChild.ts')) ? besideBundle : process.cwd();
}

function bundleChild(): string {
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-bench-')), 'trainChild.js');
  const root = repoRoot();
  const script = `require('esbuild').buildSync({ entryPoints: ['test/bench/trainChild.ts'], outfile: ${JSON.stringify(outfile)}, bundle: true, platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'], external: ['onnxruntime-node'], loader: { '.proto': 'text' }, logLevel: 'error' })`;
  const result = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bundling the training bench child failed: ${result.stderr}`);
  return outfile;
}

function measure(child: string, experts: Record<string, number>): { stepSeconds: number; tokensPerSecond: number; peakRssMiB: number } {
  const spec: ChildSpec = { model: MODEL, experts, rank: SHAPE.rank, batch: SHAPE.batch, seq: SHAPE.seq, steps: SHAPE.steps, warmup: SHAPE.warmup };
  const result = spawnSync(process.execPath, [child], { env: { ...process.env, SMOE_TRAIN_BENCH_SPEC: JSON.stringify(spec), NODE_PATH: path.join(repoRoot(), 'node_modules') }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`training bench child failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string);
}

export async function runTrainBench(): Promise<void> {
  const child = bundleChild();
  const configs = [['LoRA-MoE shared-a (vote map)', voteMap()], ['plain LoRA (same rank, same modules)', plainMap()]] as const;
  // Alternating passes, best of each: a busy neighbour on a shared machine then skews neither side alone.
  const best = configs.map(() => ({ stepSeconds: Infinity, tokensPerSecond: 0, peakRssMiB: 0 }));
  let peak = await matmulPeakGflops();
  for (let pass = 0; pass < 2; pass++) {
    configs.forEach(([, experts], i) => {
      const m = measure(child, experts);
      if (m.stepSeconds < best[i].stepSeconds) best[i] = { ...m, peakRssMiB: Math.max(m.peakRssMiB, best[i].peakRssMiB) };
    });
  }
  peak = Math.max(peak, await matmulPeakGflops());
  const lines = [`model: ${MODEL.numLayers} layers, hidden ${MODEL.hiddenSize}, vocab ${MODEL.vocabSize}; batch ${SHAPE.batch} x ${SHAPE.seq} tokens, rank ${SHAPE.rank} on q,k,v,o; MatMul peak ${peak.toFixed(1)} GFLOP/s (1024^3, best of runs)`];
  for (const [i, [label, experts]] of configs.entries()) {
    const m = best[i];
    const gflops = stepFlops(experts) / m.stepSeconds / 1e9;
    const total = Object.values(experts).reduce((a, b) => a + b, 0);
    lines.push(`${label.padEnd(38)} experts ${String(total).padStart(3)}  ${m.tokensPerSecond.toFixed(0).padStart(6)} tok/s  step ${(m.stepSeconds * 1000).toFixed(0)} ms  peak RSS ${m.peakRssMiB.toFixed(0)} MiB  ${gflops.toFixed(1)} GFLOP/s = ${(100 * gflops / peak).toFixed(0)}% of MatMul peak`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
