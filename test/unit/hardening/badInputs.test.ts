// The bad-input suite of issue 13: one row per case. Each row damages a fresh copy of the tiny workspace, runs the
// `smoe` CLI, and checks the exit code, that the message names the file and the field, that there is no stack trace
// or JavaScript internals, and that nothing was written where nothing should be (by default: no run folder).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { smoe, workspace } from './cli';
import type { BadInputRow } from './row';
import { allocationRows } from './rowsAllocation';
import { dataRows } from './rowsData';
import { modelFileRows } from './rowsModelFiles';
import { settingRows } from './rowsSettings';

const ROWS: BadInputRow[] = [...modelFileRows, ...dataRows, ...allocationRows, ...settingRows];

const INTERNALS = /\n\s+at |is not iterable|Cannot read propert|undefined is not|is not a function|\[object Object\]|onnxruntime|Gather|Gemm|BFCArena/;

function check(row: BadInputRow): void {
  const ws = workspace(row.experiment);
  const args = row.arrange(ws);
  const run = smoe(args, ws.dir, 60_000);
  const text = `${run.stderr}${run.stdout}`;
  assert.equal(run.signal, null, `the command hung and was killed: ${text}`);
  assert.equal(run.status, row.exit, text);
  assert.ok(text.includes(path.basename(row.file(ws))), `names ${path.basename(row.file(ws))}: ${text}`);
  assert.match(text, row.field);
  assert.doesNotMatch(text, INTERNALS, 'no stack trace, JavaScript internals or raw onnxruntime message');
  for (const unwritten of row.unwritten?.(ws) ?? (row.verify ? [] : [path.join(ws.dir, '.smoe', 'runs')])) {
    assert.ok(!fs.existsSync(unwritten), `${unwritten} must not be written`);
  }
  row.verify?.(ws, text);
}

describe('bad inputs are refused before work starts', () => {
  for (const row of ROWS) it(`class ${row.klass}: ${row.name}`, () => check(row));
});

/** The closing note of issue 13 reports these counts. */
export function rowsPerClass(): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const row of ROWS) counts[row.klass] = (counts[row.klass] ?? 0) + 1;
  return counts;
}
