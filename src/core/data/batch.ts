import { IGNORE_INDEX, type EncodedExample } from './encode';

/** A right-padded batch as plain arrays ([batch][length]); pads get label -100 and attention 0. */
export interface PaddedBatch {
  inputIds: number[][];
  labels: number[][];
  attentionMask: number[][];
  length: number;
}

/** Right-pads examples to the longest (or to `length` when larger); pad tokens are `padId`, labelled -100. */
export function padBatch(examples: readonly EncodedExample[], padId: number, length?: number): PaddedBatch {
  const width = Math.max(length ?? 0, ...examples.map((e) => e.inputIds.length), 0);
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
