import { Tokenizer } from '@huggingface/tokenizers';
import type { HostTensor } from '../../engine';
import { instructionDocument, rawDocument } from '../corpus';
import { DemoRandom } from '../random';
import { EOS_ID } from '../tokenizer';

export interface TokenBatch {
  inputIds: HostTensor;
  labels: HostTensor;
  /** Scored tokens (labels other than -100, minus the first position of each row). */
  scoredTokens: number;
}

/** Token ids of a document plus its `</s>`; prompt tokens are not scored. */
function encodeDocument(tokenizer: Tokenizer, text: string, promptChars: number, maxLength: number): { ids: number[]; labels: number[] } {
  const ids = [...tokenizer.encode(text).ids, EOS_ID].slice(0, maxLength);
  const promptTokens = promptChars > 0 ? tokenizer.encode(text.slice(0, promptChars)).ids.length : 1;
  return { ids, labels: ids.map((id, i) => (i < promptTokens ? -100 : id)) };
}

/** Right-padded int64 batches (padding is never attended to by earlier positions, and not scored). */
export function padBatch(rows: { ids: number[]; labels: number[] }[]): TokenBatch {
  const width = Math.max(...rows.map((r) => r.ids.length));
  const ids = new BigInt64Array(rows.length * width).fill(BigInt(EOS_ID));
  const labels = new BigInt64Array(rows.length * width).fill(-100n);
  let scored = 0;
  rows.forEach((row, r) => {
    row.ids.forEach((id, t) => { ids[r * width + t] = BigInt(id); });
    row.labels.forEach((label, t) => {
      labels[r * width + t] = BigInt(label);
      if (label !== -100 && t > 0) scored += 1;
    });
  });
  const dims = [rows.length, width];
  return { inputIds: { dtype: 'int64', dims, data: ids }, labels: { dtype: 'int64', dims, data: labels }, scoredTokens: scored };
}

/** Share of rows that hold one instruction-following document; the rest pack raw-skill documents. */
const INSTRUCTION_SHARE = 0.35;

/**
 * One row: an instruction document, or raw documents packed back to back (each ending in `</s>`) up
 * to about the length of an instruction document, so no row is mostly padding.
 */
function corpusRow(tokenizer: Tokenizer, random: DemoRandom, maxLength: number): { ids: number[]; labels: number[] } {
  if (random.next() < INSTRUCTION_SHARE) {
    const doc = instructionDocument(random);
    return encodeDocument(tokenizer, doc.text, doc.promptChars, maxLength);
  }
  const row = { ids: [] as number[], labels: [] as number[] };
  const target = Math.min(maxLength, 56);
  while (row.ids.length < target) {
    const part = encodeDocument(tokenizer, rawDocument(random).text, 0, maxLength);
    const room = maxLength - row.ids.length;
    row.ids.push(...part.ids.slice(0, room));
    row.labels.push(...part.labels.slice(0, room));
  }
  return row;
}

/** An endless, seeded stream of pre-training batches from the generated corpus. */
export function* corpusBatches(tokenizer: Tokenizer, seed: number, batchSize: number, maxLength: number): Generator<TokenBatch> {
  const random = new DemoRandom(seed);
  for (;;) yield padBatch(Array.from({ length: batchSize }, () => corpusRow(tokenizer, random, maxLength)));
}
