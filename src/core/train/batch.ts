// Micro-batches for the training step: right padding (causal attention never lets a real token see the pad
// that follows it), pad labels -100, a token mask for router statistics, and the dropout keep-masks.
import type { HostTensor } from '../engine';
import type { TrainRandom } from './random';

export interface EncodedExample {
  inputIds: number[];
  /** Same length as inputIds; -100 = not scored (Hugging Face convention, shifted inside the loss). */
  labels: number[];
}

export interface MicroBatch {
  feeds: Record<string, HostTensor>;
  batch: number;
  length: number;
  /** Real (non-pad) tokens. */
  tokens: number;
  /** Scored tokens per example (labels after the shift that are not -100). */
  scored: number[];
}

export function collate(examples: readonly EncodedExample[], padId: number): MicroBatch {
  const batch = examples.length;
  const length = Math.max(2, ...examples.map((e) => e.inputIds.length));
  const ids = new BigInt64Array(batch * length).fill(BigInt(padId));
  const labels = new BigInt64Array(batch * length).fill(-100n);
  const mask = new Float32Array(batch * length);
  let tokens = 0;
  const scored = examples.map((e, b) => {
    e.inputIds.forEach((id, t) => {
      ids[b * length + t] = BigInt(id);
      labels[b * length + t] = BigInt(e.labels[t]);
      mask[b * length + t] = 1;
    });
    tokens += e.inputIds.length;
    return e.labels.slice(1).filter((l) => l !== -100).length;
  });
  const dims = [batch, length];
  return {
    feeds: { input_ids: { dtype: 'int64', dims, data: ids }, labels: { dtype: 'int64', dims, data: labels }, token_mask: { dtype: 'float32', dims, data: mask } },
    batch,
    length,
    tokens,
    scored,
  };
}

/** Bool keep-mask [batch, length, dIn]: 1 with probability 1 - p, from the run's dropout stream. */
export function dropoutMask(random: TrainRandom, p: number, batch: number, length: number, dIn: number): HostTensor {
  const data = new Uint8Array(batch * length * dIn);
  for (let i = 0; i < data.length; i++) data[i] = random.next() >= p ? 1 : 0;
  return { dtype: 'bool', dims: [batch, length, dIn], data };
}
