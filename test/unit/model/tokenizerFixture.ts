// A small Llama-style tokenizer.json (Metaspace normaliser, BPE merges, byte fallback), built in code.
import * as fs from 'node:fs';
import * as path from 'node:path';

const PIECES = ['▁', 'h', 'e', 'l', 'o', 'w', 'r', 'd', '▁h', '▁w', 'll', 'ell', '▁hell', '▁hello', 'or', '▁wor', 'ld', '▁world'];
const MERGES = ['▁ h', '▁ w', 'l l', 'e ll', '▁h ell', '▁hell o', 'o r', '▁w or', 'l d', '▁wor ld'];

export const FIXTURE_IDS = { unk: 0, bos: 1, eos: 2, byte: (b: number) => 3 + b, piece: (p: string) => 259 + PIECES.indexOf(p) };

function vocabulary(): Record<string, number> {
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 3 + b;
  PIECES.forEach((p, i) => { vocab[p] = 259 + i; });
  return vocab;
}

const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });

export function tokenizerJson(): object {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<unk>'), special(1, '<s>'), special(2, '</s>')],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
    pre_tokenizer: null,
    post_processor: null,
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: true, byte_fallback: true, ignore_merges: false, vocab: vocabulary(), merges: MERGES,
    },
  };
}

/** Writes tokenizer.json and tokenizer_config.json into `dir`; returns the tokenizer.json path. */
export function writeTokenizerFixture(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson()));
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<s>', eos_token: '</s>', add_bos_token: true }));
  return path.join(dir, 'tokenizer.json');
}
