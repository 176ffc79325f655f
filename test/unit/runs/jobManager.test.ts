// The worker client against a fake worker (test/fixtures/runs/fakeWorker.ts) that speaks the real protocol and writes
// real run folders: progress, queueing per experiment, cancel (polite and forced), crash, kill, failure.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readRunEvents, readRunRecord } from '../../../src/core/runFolder/runFolder';
import { skippedSummary } from '../../../src/core/jobs/checkInputs';
import { JobManager, type JobEvent } from '../../../src/runs/jobManager';
import { FAKE_SCRIPT_FILE, type FakeWorkerScript } from '../../fixtures/runs/fakeWorker';

const FAKE_WORKER = path.join(__dirname, '..', '..', 'fixtures', 'runs', 'fakeWorker.js');

function experiment(script: FakeWorkerScript): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-jobs-'));
  fs.writeFileSync(path.join(dir, FAKE_SCRIPT_FILE), JSON.stringify(script));
  const file = path.join(dir, 'fake.smoe.json');
  fs.writeFileSync(file, '{}');
  return file;
}

function manager(graceMs = 2000): { jobs: JobManager; events: JobEvent[] } {
  const jobs = new JobManager({ script: () => FAKE_WORKER, cancelGraceMs: () => graceMs });
  const events: JobEvent[] = [];
  jobs.onEvent((e) => events.push(e));
  return { jobs, events };
}

function nextEvent(jobs: JobManager, match: (e: JobEvent) => boolean): Promise<JobEvent> {
  return new Promise((resolve) => {
    const sub = jobs.onEvent((e) => {
      if (match(e)) { sub.dispose(); resolve(e); }
    });
  });
}

describe('JobManager with a forked worker', () => {
  it('runs a job to success, forwarding progress, metrics and the run folder', async () => {
    const { jobs, events } = manager();
    const file = experiment({ steps: 4, stepMs: 10 });
    const job = jobs.submit({ kind: 'train', experimentFile: file }, 'train fake');
    const outcome = await jobs.whenFinished(job.id);
    assert.equal(outcome?.status, 'succeeded');
    assert.ok(outcome?.runDir && fs.existsSync(outcome.runDir));
    assert.equal(readRunRecord(outcome.runDir)?.status, 'succeeded');
    assert.deepEqual(events.filter((e) => e.type === 'metric').length, 4);
    const last = events.filter((e) => e.type === 'progress').at(-1);
    assert.deepEqual(last && { done: last.job.progress?.done, total: last.job.progress?.total }, { done: 4, total: 4 });
    assert.deepEqual(events.map((e) => e.type).filter((t) => t !== 'metric' && t !== 'progress' && t !== 'log' && t !== 'output'), ['queued', 'started', 'runDir', 'finished']);
    jobs.dispose();
  });

  it('keeps the records a job skipped for its closing notification, and events.jsonl holds them', async () => {
    const { jobs } = manager();
    const skippedRecords = { type: 'skipped-records' as const, task: 'boolq', file: '/d/train.json', records: 10, skipped: 3, used: 7, unscored: 0, reasons: ['/d/train.json:2: "output" must be a string'] };
    const job = jobs.submit({ kind: 'train', experimentFile: experiment({ steps: 2, stepMs: 5, skippedRecords }) }, 'train fake');
    const outcome = await jobs.whenFinished(job.id);
    assert.deepEqual(job.skippedRecords, [skippedRecords]);
    assert.equal(skippedSummary(job.skippedRecords), 'Data left out: task "boolq": 3 of 10 record(s) of /d/train.json skipped as malformed. The log lists the lines.');
    const events = readRunEvents(outcome?.runDir ?? '');
    assert.ok(events.some((e) => e.event === 'metric' && e.type === 'skipped-records' && e.skipped === 3), 'events.jsonl holds the structured counts');
    const clean = jobs.submit({ kind: 'train', experimentFile: experiment({ steps: 1, stepMs: 5 }) }, 'clean');
    await jobs.whenFinished(clean.id);
    assert.equal(skippedSummary(clean.skippedRecords), undefined, 'nothing to say when nothing was left out');
    jobs.dispose();
  });

  it('queues jobs of one experiment and runs other experiments at once', async () => {
    const { jobs } = manager();
    const a = experiment({ steps: 3, stepMs: 30 });
    const b = experiment({ steps: 1, stepMs: 10 });
    const first = jobs.submit({ kind: 'train', experimentFile: a }, 'a1');
    const second = jobs.submit({ kind: 'evaluate', experimentFile: a }, 'a2');
    const other = jobs.submit({ kind: 'probe', experimentFile: b }, 'b');
    assert.deepEqual([first.state, second.state, other.state], ['running', 'queued', 'running']);
    await jobs.whenFinished(first.id);
    assert.equal(jobs.job(second.id)?.state, 'running');
    assert.equal((await jobs.whenFinished(second.id))?.status, 'succeeded');
    assert.equal((await jobs.whenFinished(other.id))?.status, 'succeeded');
    jobs.dispose();
  });

  it('cancel stops the job at its next step and keeps the partial results', async () => {
    const { jobs } = manager();
    const file = experiment({ steps: 200, stepMs: 20 });
    const job = jobs.submit({ kind: 'train', experimentFile: file }, 'train');
    await nextEvent(jobs, (e) => e.type === 'progress' && (e.job.progress?.done ?? 0) >= 4);
    assert.ok(jobs.cancel(job.id));
    const outcome = await jobs.whenFinished(job.id);
    assert.equal(outcome?.status, 'cancelled');
    const record = readRunRecord(outcome!.runDir!);
    assert.equal(record?.status, 'cancelled');
    const steps = readRunEvents(outcome!.runDir!).filter((e) => e.event === 'metric');
    assert.ok(steps.length >= 4 && steps.length < 200, `kept ${steps.length} steps`);
    assert.ok(fs.existsSync(path.join(outcome!.runDir!, 'checkpoints', 'step-3.json')));
    jobs.dispose();
  });

  it('terminates a worker that ignores Cancel after the grace period; the run says cancelled', async () => {
    const { jobs } = manager(300);
    const file = experiment({ steps: 500, stepMs: 20, ignoreCancel: true });
    const job = jobs.submit({ kind: 'train', experimentFile: file }, 'stubborn');
    await nextEvent(jobs, (e) => e.type === 'progress');
    const started = Date.now();
    jobs.cancel(job.id);
    const outcome = await jobs.whenFinished(job.id);
    assert.ok(Date.now() - started >= 250);
    assert.equal(outcome?.status, 'cancelled');
    assert.match(outcome?.status === 'cancelled' ? outcome.message ?? '' : '', /did not stop within/);
    const record = readRunRecord(outcome!.runDir!);
    assert.equal(record?.status, 'cancelled');
    assert.match(record?.error ?? '', /SIGTERM/);
    jobs.dispose();
  });

  it('a worker killed mid-run fails the job and the run folder; the next job starts a fresh worker', async () => {
    const { jobs } = manager();
    const file = experiment({ steps: 300, stepMs: 20 });
    const job = jobs.submit({ kind: 'train', experimentFile: file }, 'doomed');
    await nextEvent(jobs, (e) => e.type === 'progress');
    process.kill(job.pid!, 'SIGKILL');
    const outcome = await jobs.whenFinished(job.id);
    assert.equal(outcome?.status, 'failed');
    assert.match(outcome?.status === 'failed' ? outcome.message : '', /killed \(SIGKILL\)/);
    const record = readRunRecord(outcome!.runDir!);
    assert.equal(record?.status, 'failed');
    assert.match(record?.error ?? '', /SIGKILL/);
    fs.writeFileSync(path.join(path.dirname(file), FAKE_SCRIPT_FILE), JSON.stringify({ steps: 2, stepMs: 5 }));
    const next = jobs.submit({ kind: 'train', experimentFile: file }, 'next');
    assert.notEqual(next.pid, job.pid);
    assert.equal((await jobs.whenFinished(next.id))?.status, 'succeeded');
    jobs.dispose();
  });

  it('a crash (exit without a terminal message) and a job error both end as failed with the reason', async () => {
    const { jobs } = manager();
    const crash = jobs.submit({ kind: 'probe', experimentFile: experiment({ steps: 5, stepMs: 5, crashAtStep: 2 }) }, 'crash');
    const crashed = await jobs.whenFinished(crash.id);
    assert.equal(crashed?.status, 'failed');
    assert.match(crashed?.status === 'failed' ? crashed.message : '', /exited with code 3/);
    assert.equal(readRunRecord(crashed!.runDir!)?.status, 'failed');
    const error = jobs.submit({ kind: 'probe', experimentFile: experiment({ steps: 5, stepMs: 5, failAtStep: 2 }) }, 'error');
    const failed = await jobs.whenFinished(error.id);
    assert.deepEqual(failed?.status === 'failed' && failed.message, 'fake probe failed at step 2 (as fake-worker.json asked)');
    assert.equal(readRunRecord(failed!.runDir!)?.error, 'fake probe failed at step 2 (as fake-worker.json asked)');
    jobs.dispose();
  });

  it('a worker script that cannot start fails the job with a message instead of hanging', async () => {
    const jobs = new JobManager({ script: () => path.join(os.tmpdir(), 'no-such-worker.js'), cancelGraceMs: () => 100 });
    const job = jobs.submit({ kind: 'train', experimentFile: experiment({}) }, 'missing');
    const outcome = await jobs.whenFinished(job.id);
    assert.equal(outcome?.status, 'failed');
    assert.match(outcome?.status === 'failed' ? outcome.message : '', /background worker/);
    jobs.dispose();
  });

  it('cancelling a queued job drops it without starting a worker', async () => {
    const { jobs } = manager();
    const file = experiment({ steps: 3, stepMs: 20 });
    const first = jobs.submit({ kind: 'train', experimentFile: file }, 'first');
    const queued = jobs.submit({ kind: 'train', experimentFile: file }, 'queued');
    assert.ok(jobs.cancel(queued.id));
    assert.equal((await jobs.whenFinished(queued.id))?.status, 'cancelled');
    assert.equal(queued.pid, undefined);
    await jobs.whenFinished(first.id);
    jobs.dispose();
  });
});
