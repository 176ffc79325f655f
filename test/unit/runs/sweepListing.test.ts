// Sweep run folders as the tree and the notifications read them: k of n, member runs, the sweep's own experiment files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createQueue, updateEntry } from '../../../src/core/jobs/sweepQueue';
import { RunFolder } from '../../../src/core/runFolder/runFolder';
import { isSweepRunExperiment, memberRuns, sweepEntries, sweepProgress } from '../../../src/runs/sweepListing';
import { runFigures } from '../../../src/runs/runFigures';
import { collectRunItem } from '../../../src/views/runItem';

const spec = (id: string, seed: number) => ({ id, strategy: 'uniform' as const, budget: { kind: 'none' as const }, seed });

function sweepFolder(): { root: string; dir: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-sweep-listing-'));
  const dir = RunFolder.create(root, 'sweep', { experiment: path.join(root, 'x.smoe.json'), name: 'x' }).dir;
  createQueue(dir, path.join(root, 'x.smoe.json'), [spec('uniform-nobudget-s1', 1), spec('uniform-nobudget-s2', 2)]);
  return { root, dir };
}

describe('sweep listing', () => {
  it('k of n from queue.json, and the row shows it beside the live phase', () => {
    const { root, dir } = sweepFolder();
    assert.deepEqual(sweepProgress(dir), { done: 0, total: 2 });
    updateEntry(dir, 'uniform-nobudget-s1', (e) => { e.status = 'done'; });
    assert.deepEqual(sweepProgress(dir), { done: 1, total: 2 });
    const entry = { id: path.basename(dir), dir, record: JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) };
    const figures = runFigures(entry, [], undefined);
    const item = collectRunItem({ id: entry.id, kind: 'sweep', status: 'running', figures, progress: { phase: 'train [uniform-nobudget-s2]', done: 3, total: 8 } });
    assert.match(item.description, /^1 of 2 runs · train \[uniform-nobudget-s2\] · 3\/8/);
    assert.equal(sweepProgress(root), undefined, 'no queue.json: no progress');
  });

  it('member runs are the entry\'s training and evaluation folders that exist', () => {
    const { root, dir } = sweepFolder();
    const train = RunFolder.create(root, 'train', { experiment: path.join(dir, 'experiments', 'a.smoe.json') }).dir;
    updateEntry(dir, 'uniform-nobudget-s1', (e) => { e.trainRun = train; e.evalRun = path.join(root, 'gone'); });
    const [first] = sweepEntries(dir);
    assert.deepEqual(memberRuns(first).map((r) => r.dir), [train]);
    assert.deepEqual(sweepEntries(root), []);
  });

  it('experiment files a sweep wrote for its runs are told apart from the user\'s', () => {
    const { root, dir } = sweepFolder();
    fs.mkdirSync(path.join(dir, 'experiments'));
    assert.equal(isSweepRunExperiment(path.join(dir, 'experiments', 'uniform-nobudget-s1.smoe.json')), true);
    fs.mkdirSync(path.join(root, 'experiments'));
    assert.equal(isSweepRunExperiment(path.join(root, 'experiments', 'mine.smoe.json')), false);
    assert.equal(isSweepRunExperiment(path.join(root, 'x.smoe.json')), false);
  });
});
