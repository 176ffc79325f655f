import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeContinuation, Llama2cTokenizer, loadTokenizer } from '../../../src/core/model';
import { sharedFile, tempDir } from './helpers';
import { FIXTURE_IDS, writeTokenizerFixture } from './tokenizerFixture';

const llamaTokenizer = sharedFile('models/llama2-tokenizer/tokenizer.bin');
const skipWithout = 'skip' in llamaTokenizer ? { skip: llamaTokenizer.skip } : {};
const SAMPLES = ['Hello world', 'Über naïve café — 日本語 🙂', '  two  spaces\tand\nnew lines ', 'a', ''];

test('llama2.c tokenizer.bin: "Hello world" is [1, 15043, 3186]', skipWithout, () => {
  if (!('file' in llamaTokenizer)) return;
  const tok = loadTokenizer(llamaTokenizer.file);
  assert.deepEqual(tok.encode('Hello world'), [1, 15043, 3186]);
  assert.deepEqual(tok.encode('Hello world', { bos: false, eos: true }), [15043, 3186, 2]);
  assert.deepEqual([tok.vocabSize, tok.bosId, tok.eosId], [32000, 1, 2]);
  assert.deepEqual(tok.encode('🙂', { bos: false }).slice(1), [243, 162, 156, 133], 'byte fallback <0xF0><0x9F><0x99><0x82>');
});

test('llama2.c tokenizer.bin round-trips text', skipWithout, () => {
  if (!('file' in llamaTokenizer)) return;
  const tok = loadTokenizer(llamaTokenizer.file);
  for (const text of SAMPLES) assert.equal(tok.decode(tok.encode(text)), text);
  const prompt = tok.encode('Once upon');
  assert.equal(decodeContinuation(tok, prompt, tok.encode(' a time', { bos: false }).slice(1)), ' a time');
});

/** A llama2.c tokenizer.bin written by the test: bytes, then pieces whose scores order the merges. */
function writeTinyTokenizerBin(file: string): void {
  const pieces: [string, number][] = [['<unk>', 0], ['\n<s>\n', 0], ['\n</s>\n', 0]];
  for (let b = 0; b < 256; b++) pieces.push([`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, 0]);
  for (const [piece, score] of [[' ', -1], ['a', -1], ['b', -1], ['ab', -3], [' a', -2], [' ab', -0.5], ['bb', -0.1]] as const) pieces.push([piece, score]);
  const parts = [Buffer.from(Int32Array.from([8]).buffer)];
  for (const [piece, score] of pieces) {
    const bytes = Buffer.from(piece, 'utf8');
    const head = Buffer.alloc(8);
    head.writeFloatLE(score, 0);
    head.writeInt32LE(bytes.length, 4);
    parts.push(head, bytes);
  }
  fs.writeFileSync(file, Buffer.concat(parts));
}

test('llama2.c BPE merges the best-scoring pair first, falls back to bytes', () => {
  const file = path.join(tempDir(), 'tokenizer.bin');
  writeTinyTokenizerBin(file);
  const tok = Llama2cTokenizer.fromFile(file);
  const id = (k: number) => 259 + k;
  // " abb": bb (-0.1) merges before " a" (-2) and ab (-3), then " a" + "bb" is no piece: [" a", "bb"].
  assert.deepEqual(tok.encode('abb', { bos: false }), [id(4), id(6)]);
  assert.deepEqual(tok.encode('ab'), [1, id(5)]);
  assert.deepEqual(tok.encode('é', { bos: false }), [id(0), 3 + 0xc3, 3 + 0xa9]);
  assert.equal(tok.decode(tok.encode('é ab')), 'é ab');
  assert.throws(() => Llama2cTokenizer.fromFile(path.join(path.dirname(file), 'missing.bin')), /missing\.bin: does not exist/);
});

test('HF tokenizer.json (built in code): known ids, BOS/EOS from tokenizer_config.json, round trip', () => {
  const file = writeTokenizerFixture(tempDir());
  const tok = loadTokenizer(file);
  assert.deepEqual(tok.encode('hello world'), [FIXTURE_IDS.bos, FIXTURE_IDS.piece('▁hello'), FIXTURE_IDS.piece('▁world')]);
  assert.deepEqual(tok.encode('hold', { bos: false, eos: true }), [FIXTURE_IDS.piece('▁h'), FIXTURE_IDS.piece('o'), FIXTURE_IDS.piece('ld'), FIXTURE_IDS.eos]);
  assert.deepEqual(tok.encode('hé', { bos: false }), [FIXTURE_IDS.piece('▁h'), FIXTURE_IDS.byte(0xc3), FIXTURE_IDS.byte(0xa9)]);
  assert.deepEqual([tok.bosId, tok.eosId, tok.padId, tok.vocabSize], [1, 2, 2, 277]);
  for (const text of ['hello world', 'hello wörld', 'dew 🙂 row']) assert.equal(tok.decode(tok.encode(text, { eos: true })), text);
  assert.equal(tok.decode([]), '', 'a generation that stopped at once decodes to nothing');
  assert.equal(loadTokenizer(path.dirname(file)).encode('hello').length, 2, 'a folder finds its tokenizer.json');
});
