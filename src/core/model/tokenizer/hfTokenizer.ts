// Hugging Face tokenizer.json through @huggingface/tokenizers (pure JS, offline from a local file).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { ModelFileError } from '../errors';
import type { TextTokenizer } from './types';
import { FileAccessError, readRegularText } from '../../data/regularFile';

export interface SpecialTokenIds {
  bosId?: number;
  eosId?: number;
  padId?: number;
}

type TokenField = string | { content?: string } | null | undefined;

function tokenText(field: TokenField): string | undefined {
  if (typeof field === 'string') return field;
  return field?.content ?? undefined;
}

function readJsonIfPresent(file: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  let text: string;
  try {
    text = readRegularText(file);
  } catch (error) {
    throw new ModelFileError(file, error instanceof FileAccessError ? error.detail : String(error));
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ModelFileError(file, `is not valid JSON (${(error as Error).message})`);
  }
}

export class HfTokenizer implements TextTokenizer {
  readonly bosId: number | undefined;
  readonly eosId: number;
  readonly padId: number;
  readonly vocabSize: number;

  private constructor(private readonly tokenizer: Tokenizer, config: Record<string, unknown>, fallback: SpecialTokenIds, file: string) {
    const idOf = (key: string) => {
      const text = tokenText(config[key] as TokenField);
      return text === undefined ? undefined : tokenizer.token_to_id(text);
    };
    this.bosId = idOf('bos_token') ?? fallback.bosId;
    const eos = idOf('eos_token') ?? fallback.eosId;
    if (eos === undefined) throw new ModelFileError(file, 'names no EOS token (tokenizer_config.json eos_token, or config.json eos_token_id)');
    this.eosId = eos;
    this.padId = idOf('pad_token') ?? fallback.padId ?? eos;
    this.vocabSize = tokenizer.get_vocab(true).size;
  }

  /** `file` is a tokenizer.json; tokenizer_config.json beside it supplies the special tokens, `fallback` the rest. */
  static fromFile(file: string, fallback: SpecialTokenIds = {}): HfTokenizer {
    const json = readJsonIfPresent(file);
    if (!json) throw new ModelFileError(file, 'does not exist; give --tokenizer or put tokenizer.json beside the model');
    const config = readJsonIfPresent(path.join(path.dirname(file), 'tokenizer_config.json')) ?? {};
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json, config);
    } catch (error) {
      throw new ModelFileError(file, `is not a tokenizer.json this library understands (${(error as Error).message})`);
    }
    return new HfTokenizer(tokenizer, config, fallback, file);
  }

  encode(text: string, options: { bos?: boolean; eos?: boolean } = {}): number[] {
    const ids = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    const bos = (options.bos ?? true) && this.bosId !== undefined ? [this.bosId] : [];
    return [...bos, ...ids, ...(options.eos ? [this.eosId] : [])];
  }

  decode(ids: readonly number[]): string {
    // @huggingface/tokenizers throws on an empty list (e.g. a generation that stopped at once on EOS).
    if (ids.length === 0) return '';
    return this.tokenizer.decode([...ids], { skip_special_tokens: true });
  }
}
