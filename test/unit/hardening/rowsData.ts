// Class 2 (data that does not fit the model): token ids outside the vocabulary, records longer than the context
// window and tasks with nothing to learn are refused before any run folder exists; malformed records (missing fields,
// invalid UTF-8) are counted per file in the output and in events.jsonl, and the run they leave is whole.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TinyWorkspace } from '../train/tinyWorkspace';
import type { BadInputRow } from './row';

const trainFile = (ws: TinyWorkspace) => path.join(ws.dir, 'data', 'parity', 'train.json');
const testFile = (ws: TinyWorkspace) => path.join(ws.dir, 'data', 'parity', 'test.json');
const train = (ws: TinyWorkspace) => ['train', '--config', ws.experimentFile, '--max-steps', '2'];
const probe = (ws: TinyWorkspace) => ['probe', '--config', ws.experimentFile];
const evaluate = (ws: TinyWorkspace, limit = '8') => ['eval', '--config', ws.experimentFile, '--limit', limit];
/** The tiny model's vocabulary and context window (tinyWorkspace: the tokenizer's vocabulary, maxPositions 256). */
const vocabOf = (ws: TinyWorkspace) => (JSON.parse(fs.readFileSync(path.join(ws.modelDir, 'config.json'), 'utf8')) as { vocab_size: number }).vocab_size;
const WINDOW = 256;

type Tokenized = { input_ids: number[]; labels?: number[] };
const ids = (n: number) => Array.from({ length: n }, (_, i) => 3 + (i % 20));

function writeJsonl(file: string, records: Tokenized[]): void {
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** The text records of a task file as JSON Lines, each `[at, bad]` put in at 0-based `at` in turn (line = at + 1). */
function withLines(file: string, ...inserts: [number, Buffer | string][]): void {
  const records: Buffer[] = (JSON.parse(fs.readFileSync(file, 'utf8')) as unknown[]).map((r) => Buffer.from(JSON.stringify(r)));
  for (const [at, bad] of inserts) records.splice(at, 0, typeof bad === 'string' ? Buffer.from(bad) : bad);
  fs.writeFileSync(file, Buffer.concat(records.flatMap((r) => [r, Buffer.from('\n')])));
}

/** The one run the command left: its run.json says `status`, and events.jsonl holds the skipped-records counts. */
function verifyRun(status: string, expected: { file: string; records: number; skipped: number; used: number }): (ws: TinyWorkspace) => void {
  return (ws) => {
    const root = path.join(ws.dir, '.smoe', 'runs');
    const runs = fs.readdirSync(root);
    assert.equal(runs.length, 1, `one run folder: ${runs.join(', ')}`);
    const record = JSON.parse(fs.readFileSync(path.join(root, runs[0], 'run.json'), 'utf8')) as { status: string };
    assert.equal(record.status, status, 'run.json tells how the run ended');
    const events = fs.readFileSync(path.join(root, runs[0], 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const skipped = events.filter((e) => e.type === 'skipped-records' && e.file === expected.file);
    assert.equal(skipped.length, 1, 'one structured skipped-records event for the file');
    assert.deepEqual([skipped[0].records, skipped[0].skipped, skipped[0].used], [expected.records, expected.skipped, expected.used]);
  };
}

export const dataRows: BadInputRow[] = [
  {
    klass: 2, name: 'pre-tokenized id outside the vocabulary (train)', exit: 1, file: trainFile,
    field: /train\.json:2: "input_ids"\[1\] is token id \d+, outside the vocabulary of \d+ tokens .* re-tokenize the file with this model's tokenizer/,
    arrange: (ws) => { writeJsonl(trainFile(ws), [{ input_ids: ids(8) }, { input_ids: [1, vocabOf(ws) + 7, 4] }, { input_ids: ids(8) }]); return train(ws); },
  },
  {
    klass: 2, name: 'pre-tokenized label outside the vocabulary (probe)', exit: 1, file: trainFile,
    field: /train\.json:3: "labels"\[2\] is token id \d+, outside the vocabulary .* re-tokenize/,
    arrange: (ws) => {
      writeJsonl(trainFile(ws), [{ input_ids: ids(6) }, { input_ids: ids(6) }, { input_ids: ids(4), labels: [-100, 4, vocabOf(ws), 6] }]);
      return probe(ws);
    },
  },
  {
    klass: 2, name: 'pre-tokenized record longer than the context window (train)', exit: 1, file: trainFile,
    field: new RegExp(`train\\.json:2: "input_ids" has ${WINDOW + 44} tokens, more than the context window of ${WINDOW} tokens .* re-tokenize the file with at most ${WINDOW} tokens per record`),
    arrange: (ws) => { writeJsonl(trainFile(ws), [{ input_ids: ids(8) }, { input_ids: ids(WINDOW + 44) }]); return train(ws); },
  },
  {
    klass: 2, name: 'pre-tokenized record longer than the context window (eval test file)', exit: 1, file: testFile,
    field: new RegExp(`test\\.json:1: "input_ids" has ${WINDOW + 1} tokens, more than the context window of ${WINDOW}`),
    arrange: (ws) => { writeJsonl(testFile(ws), [{ input_ids: ids(WINDOW + 1) }, { input_ids: ids(8) }]); return evaluate(ws); },
  },
  {
    klass: 2, name: 'task whose labels are all -100 (pre-tokenized)', exit: 1, file: trainFile,
    field: /task "parity" has nothing to learn from: every label of its 2 record\(s\) is -100 .* give records whose "labels" are not all -100/,
    arrange: (ws) => { writeJsonl(trainFile(ws), [{ input_ids: ids(5), labels: Array(5).fill(-100) }, { input_ids: ids(3), labels: [-100, -100, -100] }]); return train(ws); },
  },
  {
    klass: 2, name: 'task whose answers are all cut away by training.maxLength', exit: 1, file: trainFile, experiment: { training: { maxLength: 8 } },
    field: /task "parity" has nothing to learn from: every label of its 48 record\(s\) is -100 after cutting to 8 tokens \(training\.maxLength\); .*trainOnInputs to true, or raise training\.maxLength/,
    arrange: train,
  },
  {
    klass: 2, name: 'task whose answers are all cut away by probe.maxLength (probe)', exit: 1, file: trainFile, experiment: { probe: { maxLength: 8, samplesPerTask: 4 } },
    field: /task "parity" has nothing to learn from: .* raise probe\.maxLength/,
    arrange: probe,
  },
  {
    klass: 2, name: 'records without "output" / "instruction" are counted, not dropped silently (train)', exit: 0, file: trainFile,
    field: /train\.json: 2 of 50 record\(s\) of task "parity" skipped: .*train\.json:4: "output" must be a string; .*train\.json:7: "instruction" must be a string; fix or remove these records/,
    arrange: (ws) => { withLines(trainFile(ws), [3, '{"instruction": "Is the number even?", "input": "4"}'], [6, '{"output": "the answer is true"}']); return train(ws); },
    verify: (ws) => verifyRun('succeeded', { file: trainFile(ws), records: 50, skipped: 2, used: 48 })(ws),
  },
  {
    klass: 2, name: 'a record with invalid UTF-8 is counted, not read as replacement characters (train)', exit: 0, file: trainFile,
    field: /train\.json: 1 of 49 record\(s\) of task "parity" skipped: .*train\.json:5: holds bytes that are not valid UTF-8 .*re-save the file as UTF-8/,
    arrange: (ws) => { withLines(trainFile(ws), [4, Buffer.from([...Buffer.from('{"instruction": "caf'), 0xc3, 0x28, ...Buffer.from('", "input": "", "output": "x"}')])]); return train(ws); },
    verify: (ws) => verifyRun('succeeded', { file: trainFile(ws), records: 49, skipped: 1, used: 48 })(ws),
  },
  {
    klass: 2, name: 'evaluation that scores fewer records than the file holds says how many and why', exit: 0, file: testFile,
    field: /task "parity": scores cover 7 of 10 record\(s\) of .*test\.json \(2 skipped as malformed, 1 beyond --limit\)/,
    arrange: (ws) => { withLines(testFile(ws), [1, '{"instruction": 5, "output": "x"}'], [2, '{"input": "only"}']); return evaluate(ws, '7'); },
    verify: (ws, text) => {
      verifyRun('succeeded', { file: testFile(ws), records: 10, skipped: 2, used: 7 })(ws);
      assert.match(text, /test\.json: 2 of 10 record\(s\) of task "parity" skipped/);
    },
  },
];
