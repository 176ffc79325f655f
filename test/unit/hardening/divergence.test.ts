// Divergence (issue 13, class 5): an update that leaves absurd but finite weights (learningRate 1e38) is rolled
// back, so the kept checkpoint is finite and equal to the last step whose update was sane; a loss that keeps
// growing without NaN is warned about.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { JobCancelledError, silentReporter, type JobContext, type MetricEvent } from '../../../src/core/runFolder/context';
import { loraMoeConfig } from '../../../src/core/model/adapters/config';
import { moduleName } from '../../../src/core/model/config';
import { latestCheckpoint, listCheckpoints } from '../../../src/core/train/checkpoint';
import { LossWatch } from '../../../src/core/train/lossWatch';
import { MAX_SANE_WEIGHT } from '../../../src/core/train/saneUpdate';
import { trainInRunFolder, type TrainRunInputs } from '../../../src/core/train/trainLoop';
import type { TaskData } from '../../../src/core/train/trainer';
import { TOY_CONFIG, toyLogitsBuilder } from '../train/toyDecoder';

process.env.HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'divergence-home-'));

function toyTasks(): TaskData[] {
  const examples = Array.from({ length: 9 }, (_, i) => ({ inputIds: [1, 0, 3 + i, 3 + ((i + 1) % 9)], labels: [-100, -100, -100, 3 + ((i + 1) % 9)] }));
  return [{ name: 'next', examples }];
}

const settings = {
  maxSteps: 8, microBatchSize: 3, gradientAccumulation: 1, learningRate: 0.01, weightDecay: 0, betas: [0.9, 0.999] as [number, number],
  eps: 1e-8, warmupSteps: 0, schedule: 'constant' as const, maxGradNorm: null, maxLength: 16, trainOnInputs: false, seed: 5, checkpointEvery: 1,
};

function inputs(runDir: string, ctx: JobContext, overrides: Partial<TrainRunInputs> = {}): TrainRunInputs {
  return {
    runDir, ctx, settings, model: TOY_CONFIG, tasks: toyTasks(), weights: [1], padId: 0, buildLogits: toyLogitsBuilder(),
    config: loraMoeConfig({ style: 'shared-a', rank: 2, alpha: 4, dropout: 0, targetModules: ['gate_proj'], topK: 2, balanceLossCoef: 0 }, { [moduleName(0, 'gate_proj')]: 2 }),
    sessionOptions: { device: 'cpu', intraOpThreads: 1 }, ...overrides,
  };
}

function stopAfter(step: number): JobContext {
  const controller = new AbortController();
  return { ...silentReporter, signal: controller.signal, metric: (e: MetricEvent) => { if (e.type === 'train-step' && e.step === step) controller.abort(); } };
}

test('learningRate 1e38: the kept checkpoint is finite and equal to the last step whose update was sane', async () => {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'divergence-run-'));
  await assert.rejects(trainInRunFolder(inputs(runDir, stopAfter(3))), JobCancelledError);
  const sane = latestCheckpoint(runDir)!;
  assert.equal(sane.state.step, 3);
  const saneParams = new Map([...sane.params].map(([name, p]) => [name, p.slice()]));

  const diverging = trainInRunFolder(inputs(runDir, { ...silentReporter, signal: new AbortController().signal }, { settings: { ...settings, learningRate: 1e38 }, resume: sane }));
  await assert.rejects(diverging, /training diverged at step 4: after the update parameter .* reached .*lower training\.learningRate/);
  const kept = latestCheckpoint(runDir)!;
  assert.equal(kept.state.step, 3, 'no checkpoint of the bad step');
  assert.deepEqual(listCheckpoints(runDir).map((c) => c.step).at(-1), 3);
  for (const [name, data] of kept.params) {
    assert.ok(data.every((v) => Number.isFinite(v) && Math.abs(v) <= MAX_SANE_WEIGHT), `${name} is finite and sane`);
    assert.deepEqual(data, saneParams.get(name), `${name} equals step 3's`);
  }
});

test('learningRate 1e38 from the start keeps the initial weights as the last good checkpoint', async () => {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'divergence-run-'));
  await assert.rejects(trainInRunFolder(inputs(runDir, { ...silentReporter, signal: new AbortController().signal }, { settings: { ...settings, learningRate: 1e38 } })), /diverged at step 1/);
  const kept = latestCheckpoint(runDir)!;
  assert.equal(kept.state.step, 0);
  for (const data of kept.params.values()) assert.ok(data.every((v) => Number.isFinite(v) && Math.abs(v) < 10));
});

test('a loss that grows over a window is warned about once; noise and a falling loss are not', () => {
  const rising = new LossWatch(4);
  const warnings = [10, 9, 8, 8, 9, 12, 16, 20, 24, 26, 30].map((loss, i) => rising.add(i + 1, loss)).filter(Boolean);
  assert.equal(warnings.length, 1);
  assert.match(String(warnings[0]), /the loss is growing: the mean over steps \d+-\d+ is .* lower training\.learningRate/);
  const noisy = new LossWatch(4);
  assert.deepEqual([5, 4, 6, 4, 3, 5, 3, 2, 9, 2, 2, 1].map((loss, i) => noisy.add(i + 1, loss)).filter(Boolean), []);
});
