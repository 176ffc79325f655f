import { alpacaPrompt } from './prompt';
import type { DatasetRecord, TextRecord, TokenizedRecord } from './records';

/** Label of a position that is not scored (Hugging Face / PyTorch cross-entropy convention). */
export const IGNORE_INDEX = -100;

/** What encoding needs of a tokenizer; the model layer's tokenizers satisfy it. A negative bosId means "no BOS". */
export interface Tokenizer {
  encode(text: string, opts?: { bos?: boolean }): number[];
  eosId: number;
  bosId: number;
}

/** One training example: `labels` has the length of `inputIds`; position t predicts labels[t+1]; -100 is not scored. */
export interface EncodedExample {
  inputIds: number[];
  labels: number[];
}

export interface EncodeOptions {
  maxLength: number;
  /** Score the prompt tokens too (default false: loss on the response only). */
  trainOnInputs?: boolean;
}

function withBos(tokenizer: Tokenizer, ids: number[]): number[] {
  return tokenizer.bosId >= 0 ? [tokenizer.bosId, ...ids] : ids;
}

/** BOS + the prompt's tokens, truncated to maxLength: what generation starts from. */
export function encodePrompt(record: Pick<TextRecord, 'instruction' | 'input'>, tokenizer: Tokenizer, maxLength: number): number[] {
  return withBos(tokenizer, tokenizer.encode(alpacaPrompt(record), { bos: false })).slice(0, maxLength);
}

/**
 * BOS + prompt + response + EOS, truncated to maxLength (EOS is lost when the text is cut, as in LLM-Adapters).
 * As LLM-Adapters does, prompt and response are tokenized together and the prompt alone fixes how many leading
 * tokens are unscored, so tokenizers that merge across the boundary still give the joint tokenization.
 */
export function encodeTextRecord(record: TextRecord, tokenizer: Tokenizer, options: EncodeOptions): EncodedExample {
  const prompt = alpacaPrompt(record);
  const promptLength = withBos(tokenizer, tokenizer.encode(prompt, { bos: false })).length;
  const full = [...withBos(tokenizer, tokenizer.encode(prompt + record.output, { bos: false })), tokenizer.eosId];
  const inputIds = full.slice(0, Math.max(0, options.maxLength));
  const labels = inputIds.map((id, i) => (options.trainOnInputs || i >= promptLength ? id : IGNORE_INDEX));
  return { inputIds, labels };
}

/** A pre-tokenized record cut to maxLength (its labels are kept as given). */
export function truncateTokenized(record: TokenizedRecord, maxLength: number): EncodedExample {
  const n = Math.max(0, maxLength);
  return { inputIds: record.inputIds.slice(0, n), labels: record.labels.slice(0, n) };
}

/** Either kind of record as a training example; the tokenizer is only used for text records. */
export function encodeRecord(record: DatasetRecord, tokenizer: Tokenizer, options: EncodeOptions): EncodedExample {
  return 'inputIds' in record ? truncateTokenized(record, options.maxLength) : encodeTextRecord(record, tokenizer, options);
}

/** Tokens the loss scores (after the shift: labels[1..] that are not -100); 0 means the example teaches nothing. */
export function scoredTokens(example: EncodedExample): number {
  let n = 0;
  for (let t = 1; t < example.labels.length; t++) if (example.labels[t] !== IGNORE_INDEX) n++;
  return n;
}
