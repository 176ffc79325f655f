// Numeric gradient checker: analytic gradients from the engine vs central finite differences in float64.
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineSession, Graph, gradients, HostTensor, Tensor } from '../../../src/core/engine';

// onnxruntime writes under HOME: keep it out of the real home directory.
const isolatedHome = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-test-home-'));
process.env.HOME = isolatedHome;
process.on('exit', () => fs.rmSync(isolatedHome, { recursive: true, force: true }));

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** float64 host tensor with values uniform in [lo, hi). */
export function randomTensor(dims: number[], random: () => number, lo = -1, hi = 1): HostTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  return { dtype: 'float64', dims, data: Float64Array.from({ length: n }, () => lo + (hi - lo) * random()) };
}

export function int64Tensor(dims: number[], values: number[]): HostTensor {
  return { dtype: 'int64', dims, data: BigInt64Array.from(values.map(BigInt)) };
}

/** A float64 session with the optimisation level that keeps double precision exact. */
export function exactSession(g: Graph): Promise<EngineSession> {
  return EngineSession.fromGraph(g, { device: 'cpu', graphOptimizationLevel: 'basic', intraOpThreads: 1 });
}

export interface CheckOptions {
  /** How to turn the finished graph into a session (default: in memory, float64-exact settings). */
  load?: (g: Graph) => Promise<EngineSession>;
  /** Elements probed per tensor (default: all, up to 64). */
  maxProbes?: number;
  step?: number;
  atol?: number;
  rtol?: number;
  seed?: number;
}

/**
 * Reduces `output` to a scalar with fixed random weights (so symmetric outputs such as softmax
 * rows still test every direction), differentiates w.r.t. `wrt` (graph inputs), and compares
 * each probed element with (L(x+h) - L(x-h)) / 2h. Returns the analytic gradients.
 */
export async function checkGradients(g: Graph, output: Tensor, feeds: Record<string, HostTensor>, wrt: Tensor[], options: CheckOptions = {}): Promise<Record<string, Float64Array>> {
  const loss = scalarLoss(g, output, options.seed ?? 7);
  g.output(loss, 'gradcheck_loss');
  const grads = gradients(g, loss, wrt);
  grads.forEach((gr) => g.output(gr));
  const session = await (options.load ?? exactSession)(g);
  try {
    const analytic = await session.run(feeds);
    const result: Record<string, Float64Array> = {};
    for (const [i, x] of wrt.entries()) {
      const a = analytic[grads[i].name].data as Float64Array;
      result[x.name] = a;
      await compareWithFiniteDifferences(session, feeds, x.name, a, options);
    }
    return result;
  } finally {
    await session.dispose();
  }
}

function scalarLoss(g: Graph, output: Tensor, seed: number): Tensor {
  if (output.rank === 0) return output;
  if (output.isStatic) {
    const dims = output.shape as number[];
    const weights = randomTensor(dims, rng(seed), 0.5, 1.5);
    return g.reduceSum(g.mul(output, g.constant({ dtype: output.dtype, dims, data: weights.data })), undefined, false);
  }
  // Symbolic shape: weight each element by a smooth function of itself instead.
  return g.reduceSum(g.mul(output, g.cos(g.add(g.mul(output, 1.3), 0.2))), undefined, false);
}

async function compareWithFiniteDifferences(session: EngineSession, feeds: Record<string, HostTensor>, name: string, analytic: Float64Array, options: CheckOptions): Promise<void> {
  const step = options.step ?? 1e-6;
  const atol = options.atol ?? 1e-7;
  const rtol = options.rtol ?? 1e-6;
  const base = feeds[name].data as Float64Array;
  assert.equal(analytic.length, base.length, `${name}: gradient has ${analytic.length} elements, input ${base.length}`);
  for (const index of probeIndices(base.length, options.maxProbes ?? 64, options.seed ?? 7)) {
    const lossAt = async (delta: number): Promise<number> => {
      const data = Float64Array.from(base);
      data[index] += delta;
      const out = await session.run({ ...feeds, [name]: { ...feeds[name], data } }, ['gradcheck_loss']);
      return (out.gradcheck_loss.data as Float64Array)[0];
    };
    const numeric = ((await lossAt(step)) - (await lossAt(-step))) / (2 * step);
    const err = Math.abs(analytic[index] - numeric);
    assert.ok(err <= atol + rtol * Math.abs(numeric), `${name}[${index}]: analytic ${analytic[index]} vs numeric ${numeric} (|diff| ${err.toExponential(2)})`);
  }
}

function probeIndices(length: number, maxProbes: number, seed: number): number[] {
  if (length <= maxProbes) return Array.from({ length }, (_, i) => i);
  const random = rng(seed + 1);
  const picked = new Set<number>();
  while (picked.size < maxProbes) picked.add(Math.floor(random() * length));
  return [...picked].sort((a, b) => a - b);
}
