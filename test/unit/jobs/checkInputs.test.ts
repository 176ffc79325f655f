// The shared loader's checks and reports on their own: record limits, tasks with nothing to learn, coverage lines and
// the skipped-records events (quiet for files with nothing left out).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  checkEncodedText, checkSomethingToLearn, checkTokenizedRecord, coverageText, reportSkipped, type SkippedRecords,
} from '../../../src/core/jobs/checkInputs';
import type { LogLevel, MetricEvent } from '../../../src/core/runFolder/context';

const MODEL = { vocabSize: 10, window: 4, modelPath: '/m/model' };
const AT = { file: '/d/t.jsonl', line: 7 };

test('records are checked against the vocabulary and the context window, naming file:line, the field and the fix', () => {
  assert.doesNotThrow(() => checkTokenizedRecord({ inputIds: [1, 9, 0, 2], labels: [-100, 9, 0, 2] }, AT, MODEL));
  assert.throws(() => checkTokenizedRecord({ inputIds: [1, 10], labels: [1, 10] }, AT, MODEL), /^Error: \/d\/t\.jsonl:7: "input_ids"\[1\] is token id 10, outside the vocabulary of 10 tokens of \/m\/model; re-tokenize/);
  assert.throws(() => checkTokenizedRecord({ inputIds: [1, 2, 3, 4, 5], labels: [1, 2, 3, 4, 5] }, AT, MODEL), /"input_ids" has 5 tokens, more than the context window of 4 tokens .* at most 4 tokens per record/);
  assert.doesNotThrow(() => checkTokenizedRecord({ inputIds: [1, 2, 3, 4, 5], labels: [1, 2, 3, 4, 5] }, AT, { ...MODEL, window: 0 }), 'an unknown window checks nothing');
  assert.throws(() => checkEncodedText({ inputIds: [1, 12], labels: [1, 12] }, AT, MODEL), /t\.jsonl:7: the tokenizer gives token id 12, .* set model\.tokenizer/);
});

test('a task none of whose examples scores a token is refused with the fix for its format', () => {
  const unscored = { encoded: { inputIds: [1, 2, 3], labels: [-100, -100, -100] } };
  const scored = { encoded: { inputIds: [1, 2, 3], labels: [-100, -100, 3] } };
  const task = { name: 'boolq', file: '/d/t.json', format: 'llm-adapters' as const, examples: [unscored, unscored] };
  assert.throws(() => checkSomethingToLearn(task, 3, 'training.maxLength'), /\/d\/t\.json: task "boolq" has nothing to learn from: every label of its 2 record\(s\) is -100 after cutting to 3 tokens \(training\.maxLength\); give the records a non-empty "output"/);
  assert.throws(() => checkSomethingToLearn({ ...task, format: 'pretokenized' }, 3, 'probe.maxLength'), /"labels" are not all -100 .* raise probe\.maxLength/);
  assert.doesNotThrow(() => checkSomethingToLearn({ ...task, examples: [unscored, scored] }, 3, 'training.maxLength'));
  assert.doesNotThrow(() => checkSomethingToLearn({ ...task, examples: [] }, 3, 'training.maxLength'), 'an empty sample is the caller\'s to judge');
});

const FILE: SkippedRecords = { task: 'boolq', file: '/d/t.json', records: 10, skipped: 2, used: 5, unscored: 1, reasons: ['/d/t.json:3: "output" must be a string'] };

test('coverage says how many records the scores cover and why the rest are missing', () => {
  assert.equal(coverageText(FILE, 'evaluation.limit'), 'task "boolq": scores cover 5 of 10 record(s) of /d/t.json (2 skipped as malformed, 3 beyond evaluation.limit)');
  assert.equal(coverageText({ ...FILE, skipped: 0, used: 10 }, 'evaluation.limit'), undefined);
});

test('reportSkipped emits one structured event and the warnings per file with something left out, nothing otherwise', () => {
  const metrics: MetricEvent[] = [];
  const logs: [LogLevel, string][] = [];
  const reporter = { metric: (m: MetricEvent) => metrics.push(m), log: (level: LogLevel, message: string) => logs.push([level, message]) };
  reportSkipped([FILE, { ...FILE, file: '/d/clean.json', skipped: 0, unscored: 0, reasons: [] }], 64, reporter);
  assert.deepEqual(metrics, [{ type: 'skipped-records', ...FILE }]);
  assert.deepEqual(logs.map(([level]) => level), ['warn', 'warn']);
  assert.match(logs[0][1], /^\/d\/t\.json: 2 of 10 record\(s\) of task "boolq" skipped \(and 1 more\): \/d\/t\.json:3: "output" must be a string; fix or remove these records$/);
  assert.match(logs[1][1], /1 of 5 example\(s\) of \/d\/t\.json have no scored token within 64 tokens/);
});
