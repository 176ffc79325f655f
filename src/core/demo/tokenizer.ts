/**
 * Builds a small byte-level BPE `tokenizer.json` (GPT-2 style pre-tokenizer and decoder, LLaMA-style
 * `<s>` prefix) programmatically. Every word of the fixed texts (the Alpaca prompt, instructions) is one
 * token (`ignore_merges`: a pre-token found in the vocabulary is never split), so prompts stay short;
 * task content (single letters, digits) is one token per symbol, which keeps copying and reversing
 * learnable by a tiny model.
 */
export const SPECIAL_TOKENS = { unk: '<unk>', bos: '<s>', eos: '</s>' } as const;
export const BOS_ID = 1;
export const EOS_ID = 2;

/** The GPT-2 pre-tokenizer pattern (what the library's ByteLevel pre-tokenizer applies). */
const PRE_TOKEN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's reversible byte -> printable character map. */
function byteToUnicode(): string[] {
  const direct = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++) out.push(direct(b) ? String.fromCharCode(b) : String.fromCharCode(256 + shifted++));
  return out;
}

const BYTE_CHARS = byteToUnicode();
const SPACE = BYTE_CHARS[32];

/** Text as the model's symbols: each UTF-8 byte as its printable stand-in. */
function byteLevel(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'), (b) => BYTE_CHARS[b]).join('');
}

/** The pre-tokens of `texts` that become whole-word tokens: words and punctuation runs, never digits. */
function wholeWords(texts: readonly string[]): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    for (const piece of text.match(PRE_TOKEN) ?? []) {
      const symbols = byteLevel(piece);
      const body = symbols.startsWith(SPACE) ? symbols.slice(1) : symbols;
      if (body.length >= 2 && !/\p{N}|\s/u.test(piece.trim())) words.add(symbols);
    }
  }
  return [...words].sort();
}

/**
 * Merges that build each word left to right from its body, then attach the leading space last.
 * Building the body first means a merge never starts with "space + letter" except the deliberate
 * single-letter ones, so a spaced letter of task content is always exactly one token.
 */
function mergesFor(words: readonly string[], letters: readonly string[]): [string, string][] {
  const byLength = new Map<string, [string, string]>();
  const spaced: [string, string][] = [];
  for (const word of words) {
    const hasSpace = word.startsWith(SPACE);
    const body = [...(hasSpace ? word.slice(1) : word)];
    for (let k = 2; k <= body.length; k++) byLength.set(body.slice(0, k).join(''), [body.slice(0, k - 1).join(''), body[k - 1]]);
    if (hasSpace) spaced.push([SPACE, body.join('')]);
  }
  const bodyMerges = [...byLength.entries()].sort((a, b) => a[0].length - b[0].length || a[0].localeCompare(b[0])).map(([, m]) => m);
  const letterMerges = letters.map((l): [string, string] => [SPACE, l]);
  const seen = new Set<string>();
  return [...bodyMerges, ...spaced, ...letterMerges].filter(([a, b]) => !seen.has(a + b) && Boolean(seen.add(a + b)));
}

/** Printable ASCII, space and newline: every symbol the demo's texts use. */
function baseSymbols(): string[] {
  const bytes = [10, 32, ...Array.from({ length: 94 }, (_, i) => 33 + i)];
  return bytes.map((b) => BYTE_CHARS[b]);
}

export interface TokenizerFiles {
  /** tokenizer.json contents. */
  tokenizer: Record<string, unknown>;
  /** tokenizer_config.json contents (what transformers reads for BOS/EOS). */
  config: Record<string, unknown>;
  vocabSize: number;
}

/** A byte-level BPE tokenizer whose whole-word tokens are the words of `texts`. */
export function buildTokenizer(texts: readonly string[]): TokenizerFiles {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
  const merges = mergesFor(wholeWords(texts), letters);
  const vocab: Record<string, number> = { [SPECIAL_TOKENS.unk]: 0, [SPECIAL_TOKENS.bos]: BOS_ID, [SPECIAL_TOKENS.eos]: EOS_ID };
  for (const symbol of [...baseSymbols(), ...merges.map(([a, b]) => a + b)]) {
    if (!(symbol in vocab)) vocab[symbol] = Object.keys(vocab).length;
  }
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, SPECIAL_TOKENS.unk), special(BOS_ID, SPECIAL_TOKENS.bos), special(EOS_ID, SPECIAL_TOKENS.eos)],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: bosTemplate(),
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: SPECIAL_TOKENS.unk, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: true, vocab, merges },
  };
  const config = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: SPECIAL_TOKENS.bos,
    eos_token: SPECIAL_TOKENS.eos,
    unk_token: SPECIAL_TOKENS.unk,
    add_bos_token: true,
    add_eos_token: false,
    model_max_length: 512,
    clean_up_tokenization_spaces: false,
  };
  return { tokenizer, config, vocabSize: Object.keys(vocab).length };
}

/** `<s>` before every sequence, as LLaMA's tokenizer does. */
function bosTemplate(): Record<string, unknown> {
  return {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: SPECIAL_TOKENS.bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [{ SpecialToken: { id: SPECIAL_TOKENS.bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: SPECIAL_TOKENS.bos, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { [SPECIAL_TOKENS.bos]: { id: SPECIAL_TOKENS.bos, ids: [BOS_ID], tokens: [SPECIAL_TOKENS.bos] } },
  };
}
