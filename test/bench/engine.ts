// Engine benchmark: raw MatMul throughput, per-run overhead, and an attention block's forward+backward.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  EngineSession, Graph, gradients, groupedQueryAttention, HostTensor, linear, positionsFromOffset, rmsNorm, saveModel, Tensor,
} from '../../src/core/engine';

/** The attention block measured in (c): one pre-norm self-attention layer with residual. */
const BLOCK = { batch: 1, seq: 256, hidden: 512, heads: 8, headDim: 64 };

function randomFloats(n: number, scale = 0.05): Float32Array {
  let seed = 12345;
  return Float32Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return ((seed / 4294967296) * 2 - 1) * scale;
  });
}

function feed(dims: number[]): HostTensor {
  return { dtype: 'float32', dims, data: randomFloats(dims.reduce((a, b) => a * b, 1), 1) };
}

/** A loaded session with its feeds and the matrix FLOPs of one run. */
interface Workload {
  session: EngineSession;
  feeds: Record<string, HostTensor>;
  flops: number;
}

/** Median milliseconds of one `run`, after warm-up runs. */
async function medianRunMs(w: Workload, runs: number, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) await w.session.run(w.feeds);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await w.session.run(w.feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

/**
 * Per workload, the lowest of `passes` medians. Workloads run one after another (their thread
 * pools would otherwise spin against each other); repeating the passes keeps a busy neighbour on
 * a shared machine from skewing one workload and not the other.
 */
async function bestMedianMs(workloads: Workload[], runs: number, passes = 3): Promise<number[]> {
  const best = workloads.map(() => Infinity);
  for (let pass = 0; pass < passes; pass++) {
    for (const [i, w] of workloads.entries()) best[i] = Math.min(best[i], await medianRunMs(w, runs));
  }
  return best;
}

/** (a) 512x2048 @ 2048x2048 float32, the weight inside the session as an initializer. */
async function matmulWorkload(threads?: number): Promise<Workload> {
  const [m, k, n] = [512, 2048, 2048];
  const g = new Graph('matmul');
  const w = g.initializer('w', { dtype: 'float32', dims: [k, n], data: randomFloats(k * n) });
  g.output(g.matmul(g.input('a', 'float32', [m, k]), w), 'y');
  const session = await EngineSession.fromGraph(g, { device: 'cpu', intraOpThreads: threads });
  return { session, feeds: { a: feed([m, k]) }, flops: 2 * m * k * n };
}

/** (b) Time of one run of a chain of `count` tiny MatMuls. */
async function runOverheadUs(count: number): Promise<number> {
  const g = new Graph('tiny');
  let h: Tensor = g.input('x', 'float32', [1, 8]);
  for (let i = 0; i < count; i++) h = g.matmul(h, g.initializer(`w${i}`, { dtype: 'float32', dims: [8, 8], data: randomFloats(64) }));
  g.output(h, 'y');
  const session = await EngineSession.fromGraph(g, { device: 'cpu' });
  const [ms] = await bestMedianMs([{ session, feeds: { x: feed([1, 8]) }, flops: 0 }], 1000);
  await session.dispose();
  return ms * 1000;
}

/** One attention block and its backward graph (d/dx and d/dW of the four projection weights). */
function attentionTrainingGraph(): Graph {
  const { hidden, heads, headDim } = BLOCK;
  const g = new Graph('attention-block');
  const x = g.input('x', 'float32', ['batch', 'seq', hidden]);
  const weight = (name: string): Tensor => g.initializer(name, { dtype: 'float32', dims: [hidden, hidden], data: randomFloats(hidden * hidden) });
  const [wq, wk, wv, wo] = ['q', 'k', 'v', 'o'].map((p) => weight(`${p}_proj.weight`));
  const norm = g.initializer('norm.weight', { dtype: 'float32', dims: [hidden], data: new Float32Array(hidden).fill(1) });
  const normed = rmsNorm(g, x, norm, 1e-6);
  const positions = positionsFromOffset(g, g.scalar(0, 'int64'), x);
  const attention = groupedQueryAttention(g, linear(g, normed, wq), linear(g, normed, wk), linear(g, normed, wv), {
    numHeads: heads, numKvHeads: heads, headDim, rope: { theta: 10000, layout: 'half', positions },
  });
  const out = g.add(x, linear(g, attention.output, wo));
  const loss = g.reduceMean(g.mul(out, out), undefined, false);
  g.output(loss, 'loss');
  gradients(g, loss, [x, wq, wk, wv, wo]).forEach((t) => g.output(t));
  return g;
}

/** Matrix FLOPs of the block's forward (4 projections, QK^T, PV) and backward (twice forward). */
function attentionFlops(): number {
  const { batch, seq, hidden } = BLOCK;
  const tokens = batch * seq;
  const forward = 4 * 2 * tokens * hidden * hidden + 2 * 2 * batch * seq * seq * hidden;
  return 3 * forward;
}

/** (c) the block's forward+backward, from a model saved and loaded by path as training does. */
async function attentionWorkload(dir: string): Promise<Workload> {
  const { modelPath } = saveModel(attentionTrainingGraph(), path.join(dir, 'block.onnx'));
  const session = await EngineSession.create(modelPath, { device: 'cpu' });
  return { session, feeds: { x: feed([BLOCK.batch, BLOCK.seq, BLOCK.hidden]) }, flops: attentionFlops() };
}

/** Prints the four figures of issue 3, all measured now on this machine (CPU provider). */
export async function runEngineBench(): Promise<void> {
  // onnxruntime writes a device id under HOME when it starts: keep it out of the real home.
  const savedHome = process.env.HOME;
  process.env.HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-home-'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-engine-'));
  const singleThread = await matmulWorkload(1);
  const matmul = await matmulWorkload();
  const attention = await attentionWorkload(dir);
  try {
    const [single, matmulMs, attentionMs] = await bestMedianMs([singleThread, matmul, attention], 10);
    const overhead60 = await runOverheadUs(60);
    const overhead1 = await runOverheadUs(1);
    const gflops = (w: Workload, ms: number): number => w.flops / (ms * 1e6);
    printFigures({
      matmul: gflops(matmul, matmulMs), singleThread: gflops(singleThread, single),
      overhead60, overhead1, attentionMs, attention: gflops(attention, attentionMs),
    });
  } finally {
    await Promise.all([singleThread, matmul, attention].map((w) => w.session.dispose()));
    for (const tmp of [dir, process.env.HOME]) fs.rmSync(tmp, { recursive: true, force: true });
    process.env.HOME = savedHome;
  }
}

interface Figures {
  matmul: number;
  singleThread: number;
  overhead60: number;
  overhead1: number;
  attentionMs: number;
  attention: number;
}

function printFigures(f: Figures): void {
  const { batch, seq, hidden, heads, headDim } = BLOCK;
  const line = (label: string, value: string): void => { process.stdout.write(`${label.padEnd(58)} ${value}\n`); };
  line('(a) MatMul 512x2048 @ 2048x2048 f32, default threads', `${f.matmul.toFixed(1)} GFLOP/s  (1 thread: ${f.singleThread.toFixed(1)}; ${os.availableParallelism()} cores)`);
  line('(b) run() of a graph with 60 small MatMuls [1,8]@[8,8]', `${f.overhead60.toFixed(1)} us/run  (1-MatMul graph: ${f.overhead1.toFixed(1)} us/run)`);
  line(`(c) attention block fwd+bwd, b=${batch} T=${seq} d=${hidden} ${heads}x${headDim} heads`, `${f.attentionMs.toFixed(2)} ms/step  (${(attentionFlops() / 1e9).toFixed(2)} GFLOP of matmuls -> ${f.attention.toFixed(1)} GFLOP/s)`);
  line('(d) attention fwd+bwd GFLOP/s / MatMul GFLOP/s', (f.attention / f.matmul).toFixed(2));
  process.stdout.write('    (c) = RMSNorm, q/k/v/o projections (frozen, HF layout), RoPE, causal softmax, residual; backward to x and the 4 weights.\n');
  process.stdout.write('    Each figure: the lowest of 3 medians of 10 runs (1000 for (b)), measured one workload at a time.\n');
}
