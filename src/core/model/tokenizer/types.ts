/** What every tokenizer offers, whatever its file format. */
export interface TextTokenizer {
  /** Token ids of `text`; `bos` (default true) prepends the BOS id when the tokenizer has one, `eos` appends EOS. */
  encode(text: string, options?: { bos?: boolean; eos?: boolean }): number[];
  /** Text of `ids`, special tokens (BOS, EOS, padding) left out. */
  decode(ids: readonly number[]): string;
  /** Undefined for tokenizers without a BOS token (e.g. Qwen2). */
  bosId: number | undefined;
  eosId: number;
  padId: number;
  vocabSize: number;
}

/** The text `ids` add after `prefix` (decoding the whole keeps the spaces a piece-by-piece decode would drop). */
export function decodeContinuation(tokenizer: TextTokenizer, prefix: readonly number[], ids: readonly number[]): string {
  const before = tokenizer.decode(prefix);
  const all = tokenizer.decode([...prefix, ...ids]);
  return all.startsWith(before) ? all.slice(before.length) : tokenizer.decode(ids);
}
