// `smoe generate` end to end through the compiled CLI entry: JSON output, sampling flags, text prompts, clean errors.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomModel, saveHfFolder, saveLlama2c, tinyConfig } from '../../../src/core/model';
import { tempDir } from './helpers';
import { writeTokenizerFixture } from './tokenizerFixture';

const CLI = path.resolve(__dirname, '../../../src/cli/main.js');
const ENV = { ...process.env, HOME: tempDir('smoe-home-') };

function smoe(...args: string[]) {
  return spawnSync(process.execPath, [CLI, 'generate', ...args], { encoding: 'utf8', env: ENV });
}

function assertCleanFailure(result: ReturnType<typeof smoe>, status: number, message: RegExp): void {
  assert.equal(result.status, status, result.stderr);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

const llama2cFile = () => saveLlama2c(randomModel(tinyConfig({ modelType: 'llama2c', ropeLayout: 'interleaved' }), 5), path.join(tempDir(), 'm.bin'));

test('smoe generate --ids --json prints one JSON object; seeded sampling repeats', () => {
  const file = llama2cFile();
  const greedy = smoe('--model', file, '--ids', '1,4,9', '--max-new-tokens', '6', '--greedy', '--json', '--device', 'cpu');
  assert.equal(greedy.status, 0, greedy.stderr);
  const parsed = JSON.parse(greedy.stdout) as { ids: number[]; text?: string };
  assert.ok(parsed.ids.length <= 6 && parsed.text === undefined);
  const sample = () => smoe('--model', file, '--ids', '1', '--max-new-tokens', '8', '--temperature', '0.8', '--top-p', '0.9', '--seed', '7', '--json', '--device', 'cpu');
  const [first, second] = [sample(), sample()];
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, second.stdout);
});

test('smoe generate --prompt uses the tokenizer.json in the model folder and prints text', () => {
  const dir = saveHfFolder(randomModel(tinyConfig({ vocabSize: 277 }), 8), path.join(tempDir(), 'hf'));
  writeTokenizerFixture(dir);
  const result = smoe('--model', dir, '--prompt', 'hello world', '--max-new-tokens', '4', '--json', '--device', 'cpu');
  assert.equal(result.status, 0, result.stderr);
  const parsed = JSON.parse(result.stdout) as { ids: number[]; text: string };
  assert.equal(typeof parsed.text, 'string');
  assert.ok(parsed.ids.every((id) => id >= 0 && id < 277));
});

test('smoe generate: bad input exits non-zero with one clear line, never a stack trace', () => {
  const file = llama2cFile();
  assertCleanFailure(smoe('--model', path.join(path.dirname(file), 'none.bin'), '--ids', '1', '--max-new-tokens', '2'), 1, /none\.bin: does not exist/);
  assertCleanFailure(smoe('--model', file, '--ids', '1', '--max-new-tokens', '2', '--bogus'), 2, /Unknown option '--bogus'/);
  assertCleanFailure(smoe('--model', file, '--ids', '1,999', '--max-new-tokens', '2'), 2, /--ids holds "999", which is not a token id of this model \(0\.\.63\)/);
  assertCleanFailure(smoe('--model', file, '--prompt', 'hi', '--max-new-tokens', '2'), 2, /--prompt needs a tokenizer/);
  assertCleanFailure(smoe('--model', file, '--ids', '1', '--prompt', 'x', '--max-new-tokens', '2'), 2, /exactly one of --prompt and --ids/);
  assertCleanFailure(smoe('--model', file, '--ids', '1', '--max-new-tokens', '0'), 2, /--max-new-tokens must be a whole number >= 1/);
  assertCleanFailure(smoe('--model', file, '--ids', '1', '--max-new-tokens', '2', '--greedy', '--temperature', '1'), 2, /exclude each other/);
  assertCleanFailure(smoe('--model', file, '--ids', '1', '--max-new-tokens', '2', '--top-p', '0.5'), 2, /--top-p and --seed need --temperature/);
  assertCleanFailure(smoe('--model', file, '--ids', '1'), 2, /--max-new-tokens is required/);
});
