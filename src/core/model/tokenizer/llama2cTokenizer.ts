// llama2.c's tokenizer.bin: int32 max_token_length, then per token float32 score, int32 length, bytes.
// Encoding follows run.c: dummy-prefix space, UTF-8 code points (byte fallback <0xNN>), then greedy merges by best score.
import { ModelFileError } from '../errors';
import type { TextTokenizer } from './types';
import { FileAccessError, readRegularFile } from '../../data/regularFile';

const BOS = 1;
const EOS = 2;
const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;

export interface Llama2cVocabulary {
  /** Pieces as latin1 strings (one char per byte), so any byte sequence is a key. */
  pieces: string[];
  scores: Float32Array;
}

export function readLlama2cVocabulary(file: string): Llama2cVocabulary {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file);
  } catch (error) {
    throw new ModelFileError(file, error instanceof FileAccessError ? error.detail : `cannot be read (${String(error)})`);
  }
  const pieces: string[] = [];
  const scores: number[] = [];
  for (let at = 4; at < bytes.length;) {
    if (at + 8 > bytes.length) throw new ModelFileError(file, `the file ends inside token ${pieces.length}'s header (truncated?)`);
    const score = bytes.readFloatLE(at);
    const length = bytes.readInt32LE(at + 4);
    if (length < 0 || at + 8 + length > bytes.length) throw new ModelFileError(file, `token ${pieces.length} has length ${length} past the end of the file (truncated?)`);
    pieces.push(bytes.toString('latin1', at + 8, at + 8 + length));
    scores.push(score);
    at += 8 + length;
  }
  if (pieces.length < 3) throw new ModelFileError(file, 'holds fewer than 3 tokens; not a llama2.c tokenizer.bin');
  return { pieces, scores: Float32Array.from(scores) };
}

export class Llama2cTokenizer implements TextTokenizer {
  readonly bosId = BOS;
  readonly eosId = EOS;
  readonly padId = EOS;
  private readonly ids = new Map<string, number>();
  private readonly byteIds: number[];

  constructor(private readonly vocabulary: Llama2cVocabulary) {
    vocabulary.pieces.forEach((piece, id) => {
      if (!this.ids.has(piece)) this.ids.set(piece, id);
    });
    this.byteIds = Array.from({ length: 256 }, (_, b) => this.ids.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`) ?? b + 3);
  }

  static fromFile(file: string): Llama2cTokenizer {
    return new Llama2cTokenizer(readLlama2cVocabulary(file));
  }

  get vocabSize(): number {
    return this.vocabulary.pieces.length;
  }

  encode(text: string, options: { bos?: boolean; eos?: boolean } = {}): number[] {
    const tokens: number[] = [];
    if (text !== '') {
      const space = this.ids.get(' ');
      if (space !== undefined) tokens.push(space);
      for (const char of text) tokens.push(...this.codePointTokens(char));
      this.mergeByScore(tokens);
    }
    return [...(options.bos ?? true ? [BOS] : []), ...tokens, ...(options.eos ? [EOS] : [])];
  }

  private codePointTokens(char: string): number[] {
    const bytes = Buffer.from(char, 'utf8');
    const id = this.ids.get(bytes.toString('latin1'));
    return id !== undefined ? [id] : [...bytes].map((b) => this.byteIds[b]);
  }

  /** Repeatedly merges the adjacent pair whose merged piece has the best score (first such pair on ties). */
  private mergeByScore(tokens: number[]): void {
    const { pieces, scores } = this.vocabulary;
    for (;;) {
      let bestScore = -Infinity;
      let bestId = -1;
      let bestIndex = -1;
      for (let i = 0; i + 1 < tokens.length; i++) {
        const id = this.ids.get(pieces[tokens[i]] + pieces[tokens[i + 1]]);
        if (id !== undefined && scores[id] > bestScore) {
          bestScore = scores[id];
          bestId = id;
          bestIndex = i;
        }
      }
      if (bestIndex < 0) return;
      tokens.splice(bestIndex, 2, bestId);
    }
  }

  /** run.c's piece decoding (<0xNN> pieces are raw bytes), BOS/EOS left out, the dummy-prefix space dropped. */
  decode(ids: readonly number[]): string {
    const bytes: number[] = [];
    let atStart = true;
    for (const id of ids) {
      if (id === BOS || id === EOS) continue;
      let piece = this.vocabulary.pieces[id];
      if (piece === undefined) throw new Error(`token id ${id} is outside the tokenizer's ${this.vocabSize} tokens`);
      if (atStart && piece.startsWith(' ')) piece = piece.slice(1);
      atStart = false;
      const byte = BYTE_PIECE.exec(piece);
      if (byte) bytes.push(parseInt(byte[1], 16));
      else for (let i = 0; i < piece.length; i++) bytes.push(piece.charCodeAt(i));
    }
    return Buffer.from(bytes).toString('utf8');
  }
}
