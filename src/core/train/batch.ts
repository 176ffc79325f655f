// Micro-batches for the training step: the data layer's right-padded batch (causal attention never lets a real
// token see the pad that follows it; pad labels -100) as engine tensors, a token mask for router statistics,
// and the dropout keep-masks.
import { batchWidth, longestOf, padBatch, scoredTokens, type EncodedExample, type SeededRandom } from '../data';
import type { HostTensor } from '../engine';

export interface MicroBatch {
  feeds: Record<string, HostTensor>;
  batch: number;
  /** The padded length (batchWidth: a multiple of PAD_MULTIPLE where the max length allows). */
  length: number;
  /** The longest example (at least 2): the positions the dropout stream draws masks for. */
  longest: number;
  /** Real (non-pad) tokens. */
  tokens: number;
  /** Scored tokens per example (labels after the shift that are not -100). */
  scored: number[];
}

/** `maxLength`: the job's max length, which padding does not go past (batchWidth). */
export function collate(examples: readonly EncodedExample[], padId: number, maxLength?: number): MicroBatch {
  const longest = longestOf(examples);
  const padded = padBatch(examples, padId, batchWidth(longest, maxLength));
  const dims = [examples.length, padded.length];
  return {
    feeds: {
      input_ids: { dtype: 'int64', dims, data: BigInt64Array.from(padded.inputIds.flat(), BigInt) },
      labels: { dtype: 'int64', dims, data: BigInt64Array.from(padded.labels.flat(), BigInt) },
      token_mask: { dtype: 'float32', dims, data: Float32Array.from(padded.attentionMask.flat()) },
    },
    batch: examples.length,
    length: padded.length,
    longest,
    tokens: examples.reduce((sum, e) => sum + e.inputIds.length, 0),
    scored: examples.map(scoredTokens),
  };
}

/**
 * Bool keep-mask [batch, length, dIn]: 1 with probability 1 - p, from the run's dropout stream. The stream draws
 * for the first `drawn` positions of each row only (the longest example): padding a batch further changes neither
 * the masks of real tokens nor what later steps draw. Positions past `drawn` are pads and keep 1.
 */
export function dropoutMask(random: SeededRandom, p: number, batch: number, length: number, dIn: number, drawn = length): HostTensor {
  if (drawn > length) throw new Error(`dropoutMask: ${drawn} drawn positions in a batch of length ${length}`);
  const data = new Uint8Array(batch * length * dIn).fill(1);
  for (let b = 0; b < batch; b++) random.fillKeep(data, b * length * dIn, drawn * dIn, p);
  return { dtype: 'bool', dims: [batch, length, dIn], data };
}
