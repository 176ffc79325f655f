// The training loop on a toy decoder: events, checkpoints, cancel, exact resume, NaN handling.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { JobCancelledError, silentReporter, type JobContext, type MetricEvent } from '../../../src/core/runFolder/context';
import { loraMoeConfig } from '../../../src/core/model/adapters/config';
import { readAdapterFiles } from '../../../src/core/model/adapters/files';
import { latestCheckpoint, listCheckpoints } from '../../../src/core/train/checkpoint';
import { trainInRunFolder, type TrainRunInputs } from '../../../src/core/train/trainLoop';
import type { TaskData } from '../../../src/core/train/trainer';
import { moduleName } from '../../../src/core/model/config';
import { TOY_CONFIG, toyLogitsBuilder } from './toyDecoder';

process.env.HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'train-home-'));

/** Two tasks: "copy the token" and "token + 1", 3-token prompts and a 1-token response. */
function toyTasks(): TaskData[] {
  const make = (offset: number, marker: number): TaskData['examples'] => Array.from({ length: 9 }, (_, i) => {
    const token = 3 + i;
    return { inputIds: [1, marker, token, 3 + ((i + offset) % 9)], labels: [-100, -100, -100, 3 + ((i + offset) % 9)] };
  });
  return [{ name: 'copy', examples: make(0, 0) }, { name: 'next', examples: make(1, 2) }];
}

const settings = {
  maxSteps: 6, microBatchSize: 3, gradientAccumulation: 2, learningRate: 0.05, weightDecay: 0.01, betas: [0.9, 0.999] as [number, number],
  eps: 1e-8, warmupSteps: 2, schedule: 'cosine' as const, maxGradNorm: 1, maxLength: 16, trainOnInputs: false, seed: 5, checkpointEvery: 2,
};
const experts = { [moduleName(0, 'gate_proj')]: 3, [moduleName(0, 'up_proj')]: 1, [moduleName(0, 'down_proj')]: 2 };

function inputs(runDir: string, ctx: JobContext, overrides: Partial<TrainRunInputs> = {}): TrainRunInputs {
  return {
    runDir, ctx, settings, model: TOY_CONFIG, tasks: toyTasks(), weights: [1, 1], padId: 0, buildLogits: toyLogitsBuilder(),
    config: loraMoeConfig({ style: 'independent', rank: 2, alpha: 4, dropout: 0.1, targetModules: ['gate_proj'], topK: 2, balanceLossCoef: 0.01 }, experts),
    sessionOptions: { device: 'cpu', intraOpThreads: 1 }, ...overrides,
  };
}

function context(onMetric: (e: MetricEvent, abort: () => void) => void = () => undefined): JobContext {
  const controller = new AbortController();
  return { ...silentReporter, signal: controller.signal, metric: (e) => onMetric(e, () => controller.abort()) };
}

const tempRun = () => fs.mkdtempSync(path.join(os.tmpdir(), 'train-run-'));

test('train-step events carry loss, per-task loss, lr, grad norm, tokens/s and router load; checkpoints and export land in the run', async () => {
  const runDir = tempRun();
  const events: MetricEvent[] = [];
  const result = await trainInRunFolder(inputs(runDir, context((e) => events.push(e))));
  assert.equal(result.steps, 6);
  const steps = events.filter((e): e is Extract<MetricEvent, { type: 'train-step' }> => e.type === 'train-step');
  assert.deepEqual(steps.map((e) => e.step), [1, 2, 3, 4, 5, 6]);
  const first = steps[0];
  assert.ok(Number.isFinite(first.loss) && first.gradNorm > 0 && first.tokensPerSecond > 0);
  assert.equal(first.learningRate, 0);
  assert.ok(steps[2].learningRate === 0.05);
  assert.ok(Object.keys(first.taskLoss).length >= 1);
  const gate = first.routerLoad?.[moduleName(0, 'gate_proj')];
  assert.ok(gate && gate.meanGate.length === 3 && gate.selection?.length === 3);
  assert.ok(Math.abs(gate.selection!.reduce((a, b) => a + b, 0) - 2) < 1e-5, 'top-2: selections per token sum to 2');
  assert.ok(Math.abs(gate.meanGate.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  assert.deepEqual(listCheckpoints(runDir).map((c) => c.step), [2, 4, 6]);
  const exported = readAdapterFiles(runDir);
  for (const [name, data] of result.params) assert.deepEqual(exported.params.get(name), data);
});

test('resume equivalence: 2k steps == k steps, cancel, resume k (bit-for-bit the same parameters)', async () => {
  const straight = await trainInRunFolder(inputs(tempRun(), context()));
  const runDir = tempRun();
  const stopped = trainInRunFolder(inputs(runDir, context((e, abort) => { if (e.type === 'train-step' && e.step === 3) abort(); })));
  await assert.rejects(stopped, JobCancelledError);
  const checkpoint = latestCheckpoint(runDir)!;
  assert.equal(checkpoint.state.step, 3, 'cancel checkpoints at the step boundary');
  const resumed = await trainInRunFolder(inputs(runDir, context(), { resume: checkpoint }));
  assert.equal(resumed.steps, 6);
  assert.deepEqual([...resumed.params.keys()], [...straight.params.keys()]);
  for (const [name, data] of straight.params) {
    const other = resumed.params.get(name)!;
    const differing = data.findIndex((v, i) => !Object.is(v, other[i]));
    assert.equal(differing, -1, `${name}[${differing}]: ${data[differing]} straight vs ${other[differing]} resumed`);
  }
});

test('a non-finite loss stops the run with a clear error and keeps a good checkpoint', async () => {
  const runDir = tempRun();
  const config = loraMoeConfig({ style: 'shared-a', rank: 2, alpha: 4, dropout: 0, targetModules: ['gate_proj'], topK: 2, balanceLossCoef: 0 }, experts);
  const run = trainInRunFolder(inputs(runDir, context(), { config, settings: { ...settings, learningRate: 1e30, maxGradNorm: null, warmupSteps: 0 } }));
  await assert.rejects(run, /training diverged at step \d+: (the (loss|gradient norm) is (NaN|Infinity)|after the update parameter .* (became|reached) ).*lower training.learningRate/);
  const kept = latestCheckpoint(runDir);
  assert.ok(kept, 'a checkpoint exists');
  for (const data of kept.params.values()) assert.ok(data.every(Number.isFinite), 'the kept checkpoint is finite');
});
