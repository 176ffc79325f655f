import { IGNORE_INDEX, scoredTokens, type EncodedExample } from './encode';

/** A right-padded batch as plain arrays ([batch][length]); pads get label -100 and attention 0. */
export interface PaddedBatch {
  inputIds: number[][];
  labels: number[][];
  attentionMask: number[][];
  length: number;
}

/** The shifted loss needs two positions, so a batch is never shorter than that (1-token examples add exactly 0). */
export const MIN_BATCH_LENGTH = 2;

/**
 * Batch lengths are rounded up to a multiple of this, as `pad_to_multiple_of` does, so that a job sees few
 * distinct input shapes: onnxruntime plans a shape's memory after its first run, and that first run allocates
 * tensor by tensor and is 2-3x slower on the CPU (docs/memory.md, "Speed"). The pads change no number: they follow
 * every real token (causal attention), their labels are -100 and the token mask leaves them out of router statistics.
 */
export const PAD_MULTIPLE = 16;

/**
 * The LM head runs on the scored rows only (crossEntropy's scoredRowsOnly) when at most this share of the examples'
 * positions is scored. Picking saves the head's work on every other row (a quarter of a step's matrix work at the
 * 0.5B shape when nothing else is saved), but the picked row count changes from batch to batch, so onnxruntime
 * allocates the head's tensors one by one instead of from its memory plan: measured, that costs about 7 % of a probe
 * batch when nearly every row is scored (docs/memory.md, "Where a step's time went").
 */
export const PICK_SCORED_UP_TO = 0.75;

/** Whether the LM head should run on the scored rows only for these examples (see PICK_SCORED_UP_TO). */
export function picksScoredRows(examples: Iterable<EncodedExample>): boolean {
  let [scored, positions] = [0, 0];
  for (const e of examples) {
    scored += scoredTokens(e);
    positions += Math.max(0, e.labels.length - 1);
  }
  return positions > 0 && scored <= PICK_SCORED_UP_TO * positions;
}

/** The longest example of a batch (at least MIN_BATCH_LENGTH). */
export function longestOf(examples: readonly EncodedExample[]): number {
  return Math.max(MIN_BATCH_LENGTH, ...examples.map((e) => e.inputIds.length));
}

/**
 * The length a batch whose longest example has `longest` tokens is padded to: rounded up to PAD_MULTIPLE, but not
 * past `cap` (the job's max length, which the memory estimate assumes) unless the batch itself is longer.
 */
export function batchWidth(longest: number, cap = Number.POSITIVE_INFINITY): number {
  const least = Math.max(longest, MIN_BATCH_LENGTH);
  return Math.max(least, Math.min(Math.ceil(least / PAD_MULTIPLE) * PAD_MULTIPLE, cap));
}

/** The length a batch of these examples is padded to (batchWidth of the longest, not past `maxLength`). */
export function paddedLength(examples: readonly EncodedExample[], maxLength?: number): number {
  return batchWidth(longestOf(examples), maxLength);
}

/** Right-pads examples to `width` (default: batchWidth of the longest); pad tokens are `padId`, labelled -100. */
export function padBatch(examples: readonly EncodedExample[], padId: number, width?: number): PaddedBatch {
  const longest = longestOf(examples);
  width ??= batchWidth(longest);
  if (width < longest) throw new Error(`padBatch: width ${width} is shorter than the longest example (${longest} tokens)`);
  const pad = (row: readonly number[], value: number) => [...row, ...new Array<number>(width - row.length).fill(value)];
  return {
    inputIds: examples.map((e) => pad(e.inputIds, padId)),
    labels: examples.map((e) => pad(e.labels, IGNORE_INDEX)),
    attentionMask: examples.map((e) => pad(new Array<number>(e.inputIds.length).fill(1), 0)),
    length: width,
  };
}

/** Consecutive batches of `size` (the last may be shorter). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new Error(`batch size ${size} must be at least 1`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
