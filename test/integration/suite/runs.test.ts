// Runs through the background worker, the Experiments view and the dashboard, in a real VS Code (code-server).
// The real probe/train jobs run on a tiny generated model; the fake worker (test/fixtures/runs/fakeWorker.ts)
// speaks the same protocol with controllable timing, so kill and cancel are exercised mid-run.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { readRunEvents, readRunRecord } from '../../../src/core/runFolder/runFolder';
import { copyDashboardWorkspace } from '../../fixtures/runs/dashboardWorkspace';
import { activatedExtension } from './manifest';
import { FAKE_WORKER, fakeExperiment, hook, job, pollAsync, realExperiment, releaseFakeJobs, setFakeScript, uniqueDir, waitForExchange, waitForRunItem, waitJob } from './runsFixture';

const useRealWorker = () => hook('setWorker', {});
const useFakeWorker = (cancelGraceMs = 3000) => hook('setWorker', { script: FAKE_WORKER, cancelGraceMs });
const start = async (command: string, arg: unknown) => {
  const started = await vscode.commands.executeCommand<{ jobId: string }>(command, arg);
  assert.ok(started?.jobId, `${command} did not start a job`);
  return started.jobId;
};

describe('runs, the worker and the Experiments view', function () {
  this.timeout(120_000);
  let real: string;

  before(async () => {
    await activatedExtension();
    real = realExperiment('real');
    await vscode.commands.executeCommand('smoe.refreshExperiments');
  });

  after(async () => {
    await useRealWorker();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a real probe job on a tiny generated model runs through the worker and appears in the view with its status', async () => {
    await useRealWorker();
    const jobId = await start('smoe.probe', vscode.Uri.file(real));
    const outcome = await waitJob(jobId);
    assert.strictEqual(outcome.status, 'succeeded', JSON.stringify(outcome));
    assert.ok(outcome.runDir && fs.existsSync(path.join(outcome.runDir, 'sensitivity.json')), 'no sensitivity.json in the run');
    assert.strictEqual(readRunRecord(outcome.runDir)?.status, 'succeeded');
    const item = await waitForRunItem(real, (i) => i.label === 'probe' && i.icon === 'pass', 'a succeeded probe run');
    assert.match(item.description ?? '', /\d+ experts · \d{4}-\d\d-\d\d/);
    assert.strictEqual(item.contextValue, 'smoe.run.succeeded.probe');
    assert.deepStrictEqual(item.children.map((c) => c.label), ['sensitivity-examples.json', 'sensitivity.json', 'stability.json', 'events.jsonl', 'run.json']);
  });

  it('a real training run, then export of its adapter', async () => {
    await useRealWorker();
    const outcome = await waitJob(await start('smoe.train', { uri: vscode.Uri.file(real), maxSteps: 4 }));
    assert.strictEqual(outcome.status, 'succeeded', JSON.stringify(outcome));
    const item = await waitForRunItem(real, (i) => i.label === 'train' && i.icon === 'pass', 'a succeeded training run');
    assert.match(item.description ?? '', /^loss \d+\.\d{3}/);
    const out = uniqueDir('exported');
    const written = await vscode.commands.executeCommand<string[]>('smoe.exportAdapter', { runDir: outcome.runDir, outDir: out });
    assert.deepStrictEqual(written?.map((f) => path.basename(f)).sort(), ['adapter.safetensors', 'adapter_config.json', 'experts.json']);
  });

  it('Export Training Job writes a DeepSpeed job in the worker; Import Run Folder lists the runs it brings back', async () => {
    await useRealWorker();
    const out = uniqueDir('job');
    const outcome = await waitJob(await start('smoe.exportTrainingJob', { uri: vscode.Uri.file(real), outDir: out, deepspeed: 'zero3' }));
    assert.strictEqual(outcome.status, 'succeeded', JSON.stringify(outcome));
    for (const file of ['train.py', 'probe.py', 'smoe_moe.py', 'smoe_deepspeed.py', 'job.json', 'init_adapter.safetensors', 'ds_zero2.json', 'ds_zero3.json', 'launch.sh']) {
      assert.ok(fs.existsSync(path.join(out, file)), `${file} in the exported job`);
    }
    assert.match(fs.readFileSync(path.join(out, 'accelerate_config.yaml'), 'utf8'), /distributed_type: DEEPSPEED[\s\S]*deepspeed_config_file: ds_zero3\.json/);
    const trained = await waitJob(await start('smoe.train', { uri: vscode.Uri.file(real), maxSteps: 2 }));
    const brought = path.join(out, 'runs', path.basename(trained.runDir as string));
    fs.cpSync(trained.runDir as string, brought, { recursive: true });
    const root = await vscode.commands.executeCommand<string>('smoe.importRunFolder', { dir: path.join(out, 'runs') });
    assert.strictEqual(root, path.resolve(out, 'runs'));
    assert.ok((vscode.workspace.getConfiguration('smoe').get<string[]>('extraRunRoots') ?? []).includes(root), 'the folder is in smoe.extraRunRoots');
  });

  it('shows a running job with its progress, and a queued one behind it', async () => {
    await useFakeWorker();
    // The training job waits at step 3 until released, so the view is checked mid-run however slow the machine is.
    const file = fakeExperiment('running', { steps: 6, stepMs: 10, holdAtStep: 3 });
    await vscode.commands.executeCommand('smoe.refreshExperiments');
    const first = await start('smoe.train', vscode.Uri.file(file));
    const second = await start('smoe.probe', vscode.Uri.file(file));
    assert.strictEqual((await job(second))?.state, 'queued');
    const running = await waitForRunItem(file, (i) => i.label === 'train' && i.icon === 'sync~spin' && i.children.some((c) => c.icon === 'pulse' && /train · 3\/6/.test(c.label)), 'a running training run at step 3 of 6 (in its progress row)');
    assert.strictEqual(running.contextValue, 'smoe.run.running.train');
    await waitForRunItem(file, (i) => i.contextValue === 'smoe.job.queued' && i.label === 'probe', 'the queued probe');
    releaseFakeJobs(file);
    assert.strictEqual((await waitJob(first)).status, 'succeeded');
    assert.strictEqual((await waitJob(second)).status, 'succeeded');
    await waitForRunItem(file, (i) => i.label === 'train' && i.icon === 'pass', 'the finished training run');
  });

  it('killing the worker mid-run marks the run failed; the next run starts a fresh worker and succeeds', async () => {
    await useFakeWorker();
    const file = fakeExperiment('killed', { steps: 6, stepMs: 10, holdAtStep: 3 });
    await vscode.commands.executeCommand('smoe.refreshExperiments');
    const jobId = await start('smoe.train', vscode.Uri.file(file));
    const running = await pollAsync(async () => {
      const j = await job(jobId);
      return j?.runDir && j.progress?.done === 3 ? j : undefined;
    }, 30_000, 'the job to reach step 3');
    process.kill(running.pid!, 'SIGKILL');
    const outcome = await waitJob(jobId);
    assert.strictEqual(outcome.status, 'failed');
    assert.match(outcome.status === 'failed' ? outcome.message : '', /killed \(SIGKILL\)/);
    const record = readRunRecord(running.runDir!);
    assert.strictEqual(record?.status, 'failed');
    assert.match(record?.error ?? '', /SIGKILL/);
    const failed = await waitForRunItem(file, (i) => i.label === 'train' && i.icon === 'error', 'the failed run');
    assert.strictEqual(failed.contextValue, 'smoe.run.failed.train');
    setFakeScript(file, { steps: 3, stepMs: 10 });
    const next = await start('smoe.train', vscode.Uri.file(file));
    const nextOutcome = await waitJob(next);
    assert.strictEqual(nextOutcome.status, 'succeeded');
    assert.notStrictEqual((await job(next))?.pid, running.pid);
  });

  it('cancel stops the job and keeps its partial results', async () => {
    await useFakeWorker();
    // Held at step 7 until Cancel: exactly seven steps are kept, whatever the machine's speed.
    const file = fakeExperiment('cancelled', { steps: 12, stepMs: 10, holdAtStep: 7 });
    await vscode.commands.executeCommand('smoe.refreshExperiments');
    const jobId = await start('smoe.train', vscode.Uri.file(file));
    await pollAsync(async () => (await job(jobId))?.progress?.done === 7 || undefined, 30_000, 'seven steps');
    assert.strictEqual(await vscode.commands.executeCommand('smoe.cancelRun', jobId), true);
    const outcome = await waitJob(jobId);
    assert.strictEqual(outcome.status, 'cancelled');
    const runDir = outcome.runDir!;
    assert.strictEqual(readRunRecord(runDir)?.status, 'cancelled');
    const steps = readRunEvents(runDir).filter((e) => e.event === 'metric').length;
    assert.strictEqual(steps, 7, `${steps} steps kept`);
    assert.ok(fs.existsSync(path.join(runDir, 'checkpoints', 'step-6.json')), 'the checkpoints written before Cancel are gone');
    await waitForRunItem(file, (i) => i.label === 'train' && i.icon === 'circle-slash', 'the cancelled run');
  });
});

describe('the dashboard', function () {
  this.timeout(90_000);

  before(async () => {
    await activatedExtension();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('receives a snapshot of a finished probe, training and evaluations, after answering ready', async () => {
    const ws = copyDashboardWorkspace(uniqueDir('dashboard'));
    await vscode.commands.executeCommand('smoe.openDashboard', vscode.Uri.file(ws.experimentFile));
    const log = await waitForExchange(ws.experimentFile, (l) => l.sent.includes('snapshot'));
    assert.strictEqual(log.received[0], 'ready', `the webview sent ${JSON.stringify(log.received)} first`);
    assert.ok(log.sent.indexOf('snapshot') >= 0 && !log.received.includes('invalid'));
    // The comparison spans the workspace's experiment files (the demo suite's runs are in it): this file's sections only.
    const ownSections = (l: typeof log) => (l.lastSnapshot?.sections ?? []).filter((s) => s !== 'comparison');
    assert.deepStrictEqual(ownSections(log), ['sensitivity', 'allocation', 'whatIf', 'training', 'evaluation']);
    assert.ok(!(log.lastSnapshot?.comparisonRows ?? []).some((id) => id.includes('dashboard.smoe.json')), 'runs without a recorded seed and configuration are no comparison row');
    assert.strictEqual(log.lastSnapshot?.runs, 5);
  });

  it('shows a real probe and training run and follows new runs', async () => {
    await useRealWorker();
    const file = realExperiment('dashboard-real');
    await vscode.commands.executeCommand('smoe.openDashboard', vscode.Uri.file(file));
    const first = await waitForExchange(file, (l) => l.sent.includes('snapshot'));
    assert.deepStrictEqual((first.lastSnapshot?.sections ?? []).filter((s) => s !== 'comparison'), ['allocation', 'whatIf'], 'the comparison spans other files: left aside');
    assert.strictEqual((await waitJob(await start('smoe.probe', vscode.Uri.file(file)))).status, 'succeeded');
    assert.strictEqual((await waitJob(await start('smoe.train', { uri: vscode.Uri.file(file), maxSteps: 3 }))).status, 'succeeded');
    const after = await waitForExchange(file, (l) => (l.lastSnapshot?.sections ?? []).includes('training') && (l.lastSnapshot?.sections ?? []).includes('sensitivity'));
    assert.strictEqual(after.lastSnapshot?.runs, 2);
  });

  it('drops invalid messages, answers what-if requests and applies the map with its strategy, budget, percentile and scope as one undoable edit', async () => {
    const ws = copyDashboardWorkspace(uniqueDir('dashboard-apply'));
    const document = await vscode.workspace.openTextDocument(ws.experimentFile);
    await vscode.commands.executeCommand('smoe.openDashboard', vscode.Uri.file(ws.experimentFile));
    await waitForExchange(ws.experimentFile, (l) => l.sent.includes('snapshot'));
    const deliver = (message: unknown) => hook<boolean>('deliver', { file: ws.experimentFile, message });
    assert.ok(await deliver({ type: 'applyAllocation', choice: { strategy: 'magic' } }));
    await waitForExchange(ws.experimentFile, (l) => l.received.includes('invalid'));
    const choice = { strategy: 'vote', budgetKind: 'experts', budgetValue: 10, percentile: 40, scope: 'per-type' };
    await deliver({ type: 'whatIf', requestId: 7, choice });
    await waitForExchange(ws.experimentFile, (l) => l.sent.includes('whatIfResult'));
    const before = document.getText();
    await deliver({ type: 'applyAllocation', choice });
    await waitForExchange(ws.experimentFile, (l) => l.sent.includes('notice'));
    const value = JSON.parse(document.getText()) as { experts: Record<string, number>; budget: { kind: string; value: number }; allocation: { strategy: string; percentile: number; scope: string } };
    assert.strictEqual(Object.values(value.experts).reduce((a, b) => a + b, 0), 10);
    assert.deepStrictEqual([value.budget.kind, value.budget.value], ['experts', 10]);
    assert.deepStrictEqual([value.allocation.strategy, value.allocation.percentile, value.allocation.scope], ['vote', 40, 'per-type']);
    const after = document.getText();
    const start = before.indexOf('"budget": ');
    assert.strictEqual(after.slice(0, start), before.slice(0, start), 'text before the budget changed');
    assert.ok(after.endsWith(before.slice(before.indexOf('"training"'))), 'text after the map changed');
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(document.getText(), before, 'one undo restores the map and the settings');
    await vscode.workspace.save(document.uri);
  });

  it('starts a job when the webview asks (trusted workspace)', async () => {
    await useFakeWorker();
    const file = fakeExperiment('dashboard-start', { steps: 2, stepMs: 10 });
    await vscode.commands.executeCommand('smoe.refreshExperiments');
    await vscode.commands.executeCommand('smoe.openDashboard', vscode.Uri.file(file));
    await waitForExchange(file, (l) => l.sent.includes('snapshot'));
    await hook('deliver', { file, message: { type: 'startJob', kind: 'probe' } });
    const item = await waitForRunItem(file, (i) => i.label === 'probe' && i.icon === 'pass', 'the probe started from the dashboard');
    assert.strictEqual(item.contextValue, 'smoe.run.succeeded.probe');
  });
});
