import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as fs from 'node:fs';
import { DatasetError, parseDataset, readDataset, readDatasetSync, skippedMessages } from '../../../src/core/data';
import { invalidUtf8Lines } from '../../../src/core/data/read';
import { sharedData, tempFile } from './helpers';

const RECORD = { instruction: 'Is it?', input: '', output: 'the correct answer is true', answer: 'true' };

describe('parseDataset', () => {
  it('reads a JSON array of LLM-Adapters records', () => {
    const data = parseDataset(JSON.stringify([RECORD, { ...RECORD, input: 'ctx', answer: undefined }], null, 2), 'a.json');
    assert.equal(data.format, 'llm-adapters');
    assert.deepEqual(data.records, [RECORD, { instruction: 'Is it?', input: 'ctx', output: 'the correct answer is true' }]);
    assert.deepEqual(data.skipped, []);
  });

  it('reads JSONL, skipping malformed lines with their line numbers and keeping the rest', () => {
    const text = [JSON.stringify(RECORD), '{not json', '', JSON.stringify({ instruction: 'x' }), JSON.stringify(RECORD), '[1]'].join('\n');
    const data = parseDataset(text, 'b.jsonl');
    assert.equal(data.records.length, 2);
    assert.deepEqual(data.skipped.map((s) => s.line), [2, 4, 6]);
    assert.match(data.skipped[0].reason, /not JSON/);
    assert.match(data.skipped[1].reason, /"output" must be a string/);
    assert.deepEqual(skippedMessages(data).map((m) => m.split(':').slice(0, 2).join(':')), ['b.jsonl:2', 'b.jsonl:4', 'b.jsonl:6']);
  });

  it('gives array elements the line where they start', () => {
    const text = '[\n  {"instruction": "a", "output": "b"},\n  {"instruction": 3,\n   "output": "b"},\n  "oops"\n]';
    const data = parseDataset(text, 'c.json');
    assert.equal(data.records.length, 1);
    assert.deepEqual(data.skipped.map((s) => s.line), [3, 5]);
    const tricky = '[{"instruction": "a [\\"quoted\\"], {b}", "output": "\\\\"},\n{"output": 1}]';
    assert.deepEqual(parseDataset(tricky, 'j.json').records[0], { instruction: 'a ["quoted"], {b}', input: '', output: '\\' });
    assert.deepEqual(parseDataset(tricky, 'j.json').skipped.map((s) => s.line), [2], 'brackets and escapes inside strings do not confuse the scanner');
  });

  it('detects pre-tokenized records; labels default to the input ids; lengths must agree', () => {
    const text = ['{"input_ids": [1, 5, 6], "labels": [-100, -100, 6]}', '{"input_ids": [1, 7]}', '{"input_ids": [1, 2], "labels": [1]}', '{"input_ids": [1, -3]}'].join('\n');
    const data = parseDataset(text, 'd.jsonl');
    assert.equal(data.format, 'pretokenized');
    assert.deepEqual(data.records, [{ inputIds: [1, 5, 6], labels: [-100, -100, 6] }, { inputIds: [1, 7], labels: [1, 7] }]);
    assert.deepEqual(data.skipped.map((s) => s.line), [3, 4]);
    assert.match(data.skipped[0].reason, /same length/);
  });

  it('skips records of the other format than the first valid one', () => {
    const data = parseDataset([JSON.stringify(RECORD), '{"input_ids": [1]}'].join('\n'), 'e.jsonl');
    assert.equal(data.records.length, 1);
    assert.match(data.skipped[0].reason, /pretokenized record in a llm-adapters file/);
  });

  it('throws a DatasetError naming the file when nothing is usable', () => {
    assert.throws(() => parseDataset('[1, 2', 'f.json'), (e: unknown) => e instanceof DatasetError && /^f\.json: is not valid JSON/.test(e.message));
    assert.throws(() => parseDataset('', 'g.json'), /g\.json: is empty/);
    assert.throws(() => parseDataset('{"a": 1}\nnope', 'h.jsonl'), (e: unknown) => e instanceof DatasetError && e.skipped.length === 2 && /h\.jsonl: has no valid records \(2 skipped; line 1/.test(e.message));
    assert.equal(parseDataset('{"instruction": "a", "output": "b"}', 'i.json').records.length, 1, 'a lone object is JSONL with one line');
  });
});

describe('readDataset', () => {
  it('reads files sync and async; a missing file is a clear error', async () => {
    const file = tempFile('t.jsonl', `${JSON.stringify(RECORD)}\n`);
    assert.equal(readDatasetSync(file).records.length, 1);
    assert.equal((await readDataset(file)).records.length, 1);
    await assert.rejects(readDataset(path.join(path.dirname(file), 'nope.json')), /nope\.json: does not exist/);
    assert.throws(() => readDatasetSync(path.dirname(file)), /is a folder/);
  });

  it('skips records with invalid UTF-8 by line (JSONL and multi-line array elements) and keeps each record\'s line', async () => {
    const bad = Buffer.from([0x22, 0x63, 0x61, 0x66, 0xc3, 0x28, 0x22]);
    const jsonl = Buffer.concat([Buffer.from(`${JSON.stringify(RECORD)}\n{"instruction": `), bad, Buffer.from(`, "output": "x"}\n\n${JSON.stringify(RECORD)}\n`)]);
    const file = tempFile('u.jsonl', '');
    fs.writeFileSync(file, jsonl);
    assert.deepEqual([...invalidUtf8Lines(jsonl)], [2]);
    for (const data of [readDatasetSync(file), await readDataset(file)]) {
      assert.equal(data.records.length, 2);
      assert.deepEqual(data.lines, [1, 4], 'the line of each kept record');
      assert.deepEqual(data.skipped.map((s) => s.line), [2]);
      assert.match(data.skipped[0].reason, /not valid UTF-8 .* re-save the file as UTF-8/);
    }
    const array = Buffer.concat([Buffer.from(`[\n${JSON.stringify(RECORD)},\n{\n  "instruction": "a",\n  "output": `), bad, Buffer.from(`\n},\n${JSON.stringify(RECORD)}\n]`)]);
    fs.writeFileSync(file, array);
    const data = readDatasetSync(file);
    assert.deepEqual([data.lines, data.skipped.map((s) => s.line)], [[2, 7], [5]], 'the element spanning lines 3-6 is skipped, named by its bad line');
    assert.deepEqual([...invalidUtf8Lines(Buffer.from('plain\ntext'))], []);
  });

  it('reads the real commonsense suite (shared data)', async (t) => {
    const shared = sharedData();
    if (!shared) return t.skip('../shared/data is absent (a fresh clone): real-data check skipped');
    const data = await readDataset(path.join(shared, 'commonsense', 'boolq', 'test.json'));
    assert.equal(data.format, 'llm-adapters');
    assert.deepEqual(data.skipped, []);
    assert.ok(data.records.length > 1000);
    assert.ok(data.records.every((r) => r.answer === 'true' || r.answer === 'false'));
  });
});
