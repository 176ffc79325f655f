// Finds and opens the tokenizer for a model: an explicit path, or the model folder's tokenizer.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelConfig } from '../config';
import { ModelFileError } from '../errors';
import { HfTokenizer } from './hfTokenizer';
import { Llama2cTokenizer } from './llama2cTokenizer';
import type { TextTokenizer } from './types';

/** A tokenizer.json, a llama2.c tokenizer.bin, or a folder holding one of them. */
export function loadTokenizer(tokenizerPath: string, config?: ModelConfig): TextTokenizer {
  const file = fs.existsSync(tokenizerPath) && fs.statSync(tokenizerPath).isDirectory() ? tokenizerInFolder(tokenizerPath) : tokenizerPath;
  if (!file || !fs.existsSync(file)) throw new ModelFileError(tokenizerPath, 'no tokenizer found (expected tokenizer.json or tokenizer.bin)');
  if (file.endsWith('.json')) return HfTokenizer.fromFile(file, { bosId: config?.bosTokenId, eosId: config?.eosTokenId });
  return Llama2cTokenizer.fromFile(file);
}

function tokenizerInFolder(dir: string): string | undefined {
  return ['tokenizer.json', 'tokenizer.bin'].map((name) => path.join(dir, name)).find((file) => fs.existsSync(file));
}

/** The model's own tokenizer when it has one: tokenizer.json (or tokenizer.bin) in an HF folder or beside a llama2.c file. */
export function defaultTokenizerPath(modelPath: string): string | undefined {
  const dir = fs.existsSync(modelPath) && fs.statSync(modelPath).isDirectory() ? modelPath : path.dirname(modelPath);
  return tokenizerInFolder(dir);
}
