// Two processes on one run folder (issue 13, class 6): while the first trains, a second `--resume` of the same run
// is refused and touches nothing; SIGTERM stops the first like Ctrl-C (final checkpoint, status "cancelled");
// then the resume goes ahead, taking the corrected learning rate from the file and saying so.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { readRunRecord } from '../../../src/core/runFolder/runFolder';
import { LOCK_FILE } from '../../../src/core/runFolder/runLock';
import { listCheckpoints, readCheckpoint } from '../../../src/core/train/checkpoint';
import { smoe, smoeChild, waitFor, workspace } from './cli';
import { editJson } from './corrupt';

const TRAINING = { maxSteps: 100000, microBatchSize: 2, learningRate: 0.01, warmupSteps: 0, checkpointEvery: 2, keepCheckpoints: 2, maxLength: 64, seed: 3 };

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

test('a second process is refused while the first lives; SIGTERM cancels with a checkpoint; the resume then runs', async () => {
  const ws = workspace({ training: TRAINING });
  const runsRoot = path.join(ws.dir, '.smoe', 'runs');
  const first = smoeChild(['train', '--config', ws.experimentFile], ws.dir);
  const runDir = () => (fs.existsSync(runsRoot) ? fs.readdirSync(runsRoot).map((id) => path.join(runsRoot, id))[0] : undefined);
  try {
    await waitFor(() => { const dir = runDir(); return dir !== undefined && listCheckpoints(dir).length >= 1; }, 90_000, `a first checkpoint: ${first.output()}`);
    const dir = runDir()!;
    // The lock names the job's process: the CLI, or the child it runs heavy commands in (allocator setting).
    const owner = Number(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').trim());
    assert.ok(owner === first.child.pid || parentOf(owner) === first.child.pid, `run.lock names ${owner}, not the CLI ${first.child.pid} or its child`);
    const runJson = fs.readFileSync(path.join(dir, 'run.json'), 'utf8');

    const second = smoe(['train', '--config', ws.experimentFile, '--resume', dir, '--max-steps', '4'], ws.dir, 60_000);
    assert.equal(second.status, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`${path.basename(dir)} is in use by process ${owner}, which is still running`));
    assert.doesNotMatch(second.stderr, /\n\s+at /);
    assert.equal(first.child.exitCode, null, 'the first process is still training');
    assert.equal(JSON.parse(runJson).pid, readRunRecord(dir)?.pid, 'run.json untouched by the refused process');

    first.child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => first.child.on('exit', (c) => resolve(c)));
    assert.equal(code, 130, first.output());
    const record = readRunRecord(dir)!;
    assert.equal(record.status, 'cancelled', first.output());
    assert.ok(!fs.existsSync(path.join(dir, LOCK_FILE)), 'the lock is released');
    const kept = listCheckpoints(dir);
    assert.ok(kept.length >= 1 && kept.length <= 2, `rotation keeps at most 2 (found ${kept.map((c) => c.step)})`);
    const last = kept.at(-1)!;
    for (const c of kept) readCheckpoint(c.dir);

    editJson(ws.experimentFile, (e) => { (e.training as Record<string, unknown>).learningRate = 0.002; });
    const resumed = smoe(['train', '--config', ws.experimentFile, '--resume', dir, '--max-steps', String(last.step + 2)], ws.dir, 120_000);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /resume takes from the experiment file: training\.learningRate 0\.01 → 0\.002/);
    assert.match(resumed.stderr, new RegExp(`resuming from .*step-${last.step}`));
    assert.equal(readRunRecord(dir)?.status, 'succeeded');
  } finally {
    if (first.child.exitCode === null) first.child.kill('SIGKILL');
  }
});
