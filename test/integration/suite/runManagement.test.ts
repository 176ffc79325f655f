// Run management in a real VS Code: Train with… (overrides recorded), Resume of a cancelled run, Rename and Note
// (run.json, the tree), Delete, and Evaluate refused when there is nothing to evaluate. Real worker, tiny model.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { readRunEvents, readRunRecord } from '../../../src/core/runFolder/runFolder';
import { activatedExtension } from './manifest';
import { hook, job, jobs, pollAsync, realExperiment, treeRuns, waitForRunItem, waitJob } from './runsFixture';

const start = async (command: string, arg: unknown) => {
  const started = await vscode.commands.executeCommand<{ jobId: string } | undefined>(command, arg);
  assert.ok(started?.jobId, `${command} did not start a job`);
  return started.jobId;
};

const trainSteps = (runDir: string) => readRunEvents(runDir).flatMap((e) => (e.event === 'metric' && e.type === 'train-step' ? [e.step] : []));

describe('run management', function () {
  this.timeout(180_000);
  let file: string;

  before(async () => {
    await activatedExtension();
    await hook('setWorker', {});
    file = realExperiment('manage');
    await vscode.commands.executeCommand('smoe.refreshExperiments');
  });

  it('Train with… runs with maxSteps, learning rate and seed overridden and records them in run.json', async () => {
    const overrides = { maxSteps: 3, learningRate: 0.02, seed: 11 };
    const outcome = await waitJob(await start('smoe.trainWith', { uri: vscode.Uri.file(file), overrides }));
    assert.strictEqual(outcome.status, 'succeeded', JSON.stringify(outcome));
    const record = readRunRecord(outcome.runDir!)!;
    assert.deepStrictEqual(record.overrides, overrides);
    const training = (record.config as { training: Record<string, number> }).training;
    assert.deepStrictEqual([training.maxSteps, training.learningRate, training.seed], [3, 0.02, 11]);
    assert.deepStrictEqual(trainSteps(outcome.runDir!), [1, 2, 3]);
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /"maxSteps": 6/, 'the experiment file is not changed');
  });

  it('Resume continues a cancelled training run in the same folder up to its maxSteps', async () => {
    const jobId = await start('smoe.trainWith', { uri: vscode.Uri.file(file), overrides: { maxSteps: 200 } });
    const running = await pollAsync(async () => {
      const j = await job(jobId);
      return j?.runDir && (j.progress?.done ?? 0) >= 5 ? j : undefined;
    }, 60_000, 'five training steps');
    assert.strictEqual(await vscode.commands.executeCommand('smoe.cancelRun', jobId), true);
    const cancelled = await waitJob(jobId);
    assert.strictEqual(cancelled.status, 'cancelled', JSON.stringify(cancelled));
    const runDir = running.runDir!;
    await waitForRunItem(file, (i) => i.contextValue === 'smoe.run.cancelled.train', 'the cancelled run');
    const stoppedAt = Math.max(...trainSteps(runDir));
    assert.ok(stoppedAt < 200, `stopped at step ${stoppedAt}`);

    const resumed = await waitJob(await start('smoe.resumeRun', { runDir }));
    assert.strictEqual(resumed.status, 'succeeded', JSON.stringify(resumed));
    assert.strictEqual(path.resolve(resumed.runDir!), path.resolve(runDir), 'a resume writes into the same run folder');
    assert.strictEqual(readRunRecord(runDir)?.status, 'succeeded');
    assert.strictEqual(Math.max(...trainSteps(runDir)), 200);
    assert.ok(fs.existsSync(path.join(runDir, 'adapter_config.json')));
    assert.strictEqual(await vscode.commands.executeCommand('smoe.resumeRun', { runDir }), undefined, 'a succeeded run is not resumed again');
  });

  it('Rename and Note are kept in run.json and shown in the Experiments view', async () => {
    const runDir = (await jobs()).find((j) => j.runDir && readRunRecord(j.runDir)?.overrides?.seed === 11)!.runDir!;
    await vscode.commands.executeCommand('smoe.labelRun', { runDir, label: 'seed 11 sweep' });
    await vscode.commands.executeCommand('smoe.editRunNote', { runDir, note: 'short run to check the overrides' });
    const record = readRunRecord(runDir)!;
    assert.deepStrictEqual([record.label, record.note, record.status], ['seed 11 sweep', 'short run to check the overrides', 'succeeded']);
    const item = await waitForRunItem(file, (i) => i.label === 'seed 11 sweep', 'the renamed run');
    assert.match(item.description ?? '', /^train · loss \d/);
    await vscode.commands.executeCommand('smoe.labelRun', { runDir, label: '' });
    assert.strictEqual(readRunRecord(runDir)?.label, undefined);
  });

  it('Delete removes a finished run (after confirmation) and refuses a running one', async () => {
    const runDir = (await jobs()).find((j) => j.runDir && readRunRecord(j.runDir)?.overrides?.seed === 11)!.runDir!;
    const before = (await treeRuns(file))?.length ?? 0;
    assert.strictEqual(await vscode.commands.executeCommand('smoe.deleteRun', { runDir, confirmed: true }), true);
    assert.strictEqual(fs.existsSync(runDir), false);
    await pollAsync(async () => ((await treeRuns(file))?.length === before - 1 ? true : undefined), 15_000, 'the tree to drop the deleted run');

    const jobId = await start('smoe.trainWith', { uri: vscode.Uri.file(file), overrides: { maxSteps: 200 } });
    const running = await pollAsync(async () => {
      const j = await job(jobId);
      return j?.runDir && (j.progress?.done ?? 0) >= 1 ? j : undefined;
    }, 60_000, 'a running training job');
    assert.strictEqual(await vscode.commands.executeCommand('smoe.deleteRun', { runDir: running.runDir, confirmed: true }), false);
    assert.ok(fs.existsSync(running.runDir!), 'a running run was deleted');
    await vscode.commands.executeCommand('smoe.cancelRun', jobId);
    await waitJob(jobId);
  });

  it('Evaluate is refused before it starts when no task has a test file', async () => {
    const noTests = path.join(path.dirname(file), 'no-tests.smoe.json');
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as { tasks: { test?: string }[] };
    for (const task of value.tasks) delete task.test;
    fs.writeFileSync(noTests, JSON.stringify(value, null, 2));
    const before = (await jobs()).length;
    const started = await vscode.commands.executeCommand('smoe.evaluate', { uri: vscode.Uri.file(noTests), adapterRun: null });
    assert.strictEqual(started, undefined);
    assert.strictEqual((await jobs()).length, before, 'a job was started');
  });
});
