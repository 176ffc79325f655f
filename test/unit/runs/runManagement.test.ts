// Labels, notes and deletion of run folders (shared by the extension and the CLI), the overrides a training request
// records, and the evaluation refused when no task has test data.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { silentReporter } from '../../../src/core/runFolder/context';
import { runJobRequest } from '../../../src/core/dispatch/dispatch';
import { trainingOverridesOf } from '../../../src/core/jobs/requests';
import { annotateRun, deleteRun, runDisplayName } from '../../../src/core/runFolder/runManagement';
import { readRunRecord, RunFolder } from '../../../src/core/runFolder/runFolder';
import { nothingToEvaluate } from '../../../src/core/train/evalReport';

const tempRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-runs-'));

function finishedRun(root: string): RunFolder {
  const run = RunFolder.create(root, 'train', { experiment: path.join(root, 'x.smoe.json'), name: 'x', config: { training: { maxSteps: 3 } } });
  run.finish('cancelled', 'cancelled by the user');
  return run;
}

describe('run labels and notes', () => {
  it('are written into run.json, trimmed, and removed with a blank value', () => {
    const run = finishedRun(tempRoot());
    const labelled = annotateRun(run.dir, { label: '  lr   sweep A ', note: 'seed 7 looked unstable\nretry with warm-up 10' });
    assert.equal(labelled.label, 'lr sweep A');
    assert.equal(labelled.note, 'seed 7 looked unstable\nretry with warm-up 10');
    assert.equal(runDisplayName(labelled), 'lr sweep A');
    assert.equal(labelled.status, 'cancelled', 'the rest of run.json is kept');
    const cleared = annotateRun(run.dir, { label: ' ' });
    assert.equal(cleared.label, undefined);
    assert.equal(cleared.note, 'seed 7 looked unstable\nretry with warm-up 10');
    assert.equal(runDisplayName(cleared), run.record.id);
    assert.throws(() => annotateRun(run.dir, { label: 'x'.repeat(81) }), /label: at most 80 characters/);
  });

  it('survive the job saving run.json again (a label given while the run was running)', () => {
    const root = tempRoot();
    const run = RunFolder.create(root, 'train', {});
    annotateRun(run.dir, { label: 'while running', note: 'n' });
    run.finish('succeeded');
    assert.deepEqual([readRunRecord(run.dir)?.label, readRunRecord(run.dir)?.note, readRunRecord(run.dir)?.status], ['while running', 'n', 'succeeded']);
  });

  it('a folder without run.json is not a run: the error names it', () => {
    assert.throws(() => annotateRun(tempRoot(), { label: 'a' }), /run\.json: cannot read the run/);
  });
});

describe('deleteRun', () => {
  it('removes a finished run folder and refuses one whose process is still writing it', () => {
    const root = tempRoot();
    const done = finishedRun(root);
    deleteRun(done.dir);
    assert.equal(fs.existsSync(done.dir), false);
    const live = RunFolder.create(root, 'train', {});
    assert.throws(() => deleteRun(live.dir), /is still running \(pid \d+\); cancel it first/);
    assert.ok(fs.existsSync(live.dir));
    live.finish('succeeded');
    assert.throws(() => deleteRun(path.join(root, 'nothing-here')), /not a run folder/);
  });
});

describe('training overrides', () => {
  it('keeps only the overridden fields', () => {
    assert.deepEqual(trainingOverridesOf({ maxSteps: 5, learningRate: undefined, seed: 0 }), { maxSteps: 5, seed: 0 });
    assert.deepEqual(trainingOverridesOf({}), {});
  });
});

describe('an evaluation with nothing to evaluate', () => {
  it('is refused before a run folder is made, naming the file and the field', async () => {
    const dir = tempRoot();
    const file = path.join(dir, 'no-tests.smoe.json');
    fs.writeFileSync(file, JSON.stringify({ name: 'n', model: { path: 'model' }, tasks: [{ name: 'a', train: 'a.json' }, { name: 'b', train: 'b.json' }] }));
    const ctx = { ...silentReporter, signal: new AbortController().signal };
    await assert.rejects(runJobRequest({ kind: 'evaluate', experimentFile: file, runsRoot: path.join(dir, 'runs') }, ctx), /no-tests\.smoe\.json: nothing to evaluate — none of the 2 task\(s\) has a test file \(tasks\[\]\.test\)/);
    assert.equal(fs.existsSync(path.join(dir, 'runs')), false, 'no run folder for a refused evaluation');
    assert.equal(nothingToEvaluate('f', [{ name: 'a', test: 't.json' }, { name: 'b' }]), undefined);
  });
});
