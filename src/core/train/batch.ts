// Micro-batches for the training step: the data layer's right-padded batch (causal attention never lets a real
// token see the pad that follows it; pad labels -100) as engine tensors, a token mask for router statistics,
// and the dropout keep-masks.
import { padBatch, scoredTokens, type EncodedExample, type SeededRandom } from '../data';
import type { HostTensor } from '../engine';

export interface MicroBatch {
  feeds: Record<string, HostTensor>;
  batch: number;
  length: number;
  /** Real (non-pad) tokens. */
  tokens: number;
  /** Scored tokens per example (labels after the shift that are not -100). */
  scored: number[];
}

/** The shift needs two positions, so a batch is never shorter than that. */
const MIN_LENGTH = 2;

export function collate(examples: readonly EncodedExample[], padId: number): MicroBatch {
  const padded = padBatch(examples, padId, MIN_LENGTH);
  const dims = [examples.length, padded.length];
  return {
    feeds: {
      input_ids: { dtype: 'int64', dims, data: BigInt64Array.from(padded.inputIds.flat(), BigInt) },
      labels: { dtype: 'int64', dims, data: BigInt64Array.from(padded.labels.flat(), BigInt) },
      token_mask: { dtype: 'float32', dims, data: Float32Array.from(padded.attentionMask.flat()) },
    },
    batch: examples.length,
    length: padded.length,
    tokens: examples.reduce((sum, e) => sum + e.inputIds.length, 0),
    scored: examples.map(scoredTokens),
  };
}

/** Bool keep-mask [batch, length, dIn]: 1 with probability 1 - p, from the run's dropout stream. */
export function dropoutMask(random: SeededRandom, p: number, batch: number, length: number, dIn: number): HostTensor {
  const data = new Uint8Array(batch * length * dIn);
  for (let i = 0; i < data.length; i++) data[i] = random.next() >= p ? 1 : 0;
  return { dtype: 'bool', dims: [batch, length, dIn], data };
}
