// Choosing the next token from a logits row: greedy, or temperature + top-p (nucleus) sampling with a seeded stream.
import { seededUniform } from '../tinyModel';

export interface SamplingOptions {
  /** Default true when no temperature is given. */
  greedy?: boolean;
  temperature?: number;
  /** Nucleus mass in (0, 1]; 1 samples from the whole distribution. */
  topP?: number;
  seed?: number;
}

export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

export type TokenChooser = (row: Float32Array) => number;

export function tokenChooser(options: SamplingOptions): TokenChooser {
  const temperature = options.temperature ?? 0;
  if (options.greedy || temperature <= 0) return argmax;
  const topP = options.topP ?? 1;
  if (!(topP > 0 && topP <= 1)) throw new Error(`top-p must be in (0, 1], not ${topP}`);
  const uniform = seededUniform(options.seed ?? 0);
  return (row) => sampleTopP(softmax(row, temperature), topP, uniform());
}

function softmax(row: Float32Array, temperature: number): Float64Array {
  const peak = row.reduce((a, b) => Math.max(a, b), -Infinity);
  const out = Float64Array.from(row, (v) => Math.exp((v - peak) / temperature));
  const total = out.reduce((a, b) => a + b, 0);
  return out.map((v) => v / total);
}

/** run.c's sample_topp: the smallest most-probable set with mass >= topP, renormalised, sampled with coin r in [0, 1). */
export function sampleTopP(probs: Float64Array, topP: number, r: number): number {
  const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a] || a - b);
  let mass = 0;
  let last = order.length - 1;
  for (let i = 0; i < order.length; i++) {
    mass += probs[order[i]];
    if (mass >= topP) {
      last = i;
      break;
    }
  }
  const target = r * mass;
  let cumulative = 0;
  for (let i = 0; i <= last; i++) {
    cumulative += probs[order[i]];
    if (target < cumulative) return order[i];
  }
  return order[last];
}
