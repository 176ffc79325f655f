// `smoe export-job` against `smoe train` and `smoe probe` on the same experiments, with the exported job run by
// python3 + torch (the built-in plain-PyTorch decoder): stories260K (llama2.c, pre-tokenized, shared-a) and a tiny
// HF model (text tasks, independent top-k with balance loss). Dropout 0; losses per step within 1e-4 relative,
// the final adapter within 1e-4, the probe within 1e-4; every generated .py compiles.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { silentReporter, type JobContext } from '../../../src/core/runFolder/context';
import { runJobRequest } from '../../../src/core/dispatch/dispatch';
import { readRunEvents, readRunRecord } from '../../../src/core/runFolder/runFolder';
import type { EvalReport } from '../../../src/core/train/evalReport';
import { runsInRoots } from '../../../src/runs/broughtBack';
import { projectRoot, sharedData, tempDir } from '../probe/helpers';
import { pythonWithTorch } from './python';
import { storiesWorkspace, tinyHfWorkspace } from './workspaces';
import { cli, compareAdapters, exportAndCompile, onlyRun, python, stepLosses } from './agreement';

process.env.HOME = tempDir('smoe-export-home-');
const ROOT = projectRoot();
const STORIES = path.join(sharedData() ?? '', 'models', 'stories260K', 'stories260K.bin');
const PYTHON = pythonWithTorch();
const SKIP_PYTHON = 'skip' in PYTHON ? PYTHON.skip : false;
const SKIP_STORIES = SKIP_PYTHON || (sharedData() && fs.existsSync(STORIES) ? false : '../shared/data/models/stories260K/stories260K.bin is absent (a fresh clone has no ../shared): skipped');
const TOLERANCE = 1e-4;
const context = (): JobContext => ({ ...silentReporter, signal: new AbortController().signal });

async function checkTraining(t: TestContext, experimentFile: string, jobDir: string): Promise<{ smoeRun: string; jobRun: string }> {
  const smoe = await runJobRequest({ kind: 'train', experimentFile }, context());
  const smoeRun = smoe.runDir as string;
  python([path.join(jobDir, 'train.py'), '--runs', path.join(jobDir, 'runs'), '--device', 'cpu']);
  const jobRun = onlyRun(path.join(jobDir, 'runs'));
  const expected = stepLosses(smoeRun);
  const actual = stepLosses(jobRun);
  assert.ok(expected.length >= 6, `${expected.length} steps`);
  const taskLosses = readRunEvents(smoeRun).flatMap((e) => (e.event === 'metric' && e.type === 'train-step' ? Object.keys(e.taskLoss) : []));
  assert.ok(taskLosses.length > 0, 'the workspace scores tokens within training.maxLength');
  assert.equal(actual.length, expected.length);
  const relative = expected.map((loss, i) => Math.abs(actual[i] - loss) / Math.abs(loss));
  const adapterDiff = compareAdapters(smoeRun, jobRun);
  t.diagnostic(`losses ${expected.map((l) => l.toFixed(5)).join(' ')}; max relative loss diff ${Math.max(...relative).toExponential(2)}; adapter max abs diff ${adapterDiff.toExponential(2)}`);
  relative.forEach((r, i) => assert.ok(r <= TOLERANCE, `step ${i + 1}: loss ${actual[i]} vs smoe ${expected[i]} (relative ${r})`));
  assert.ok(adapterDiff <= TOLERANCE, `final adapter differs by ${adapterDiff}`);
  assert.equal(readRunRecord(jobRun)?.status, 'succeeded');
  for (const file of ['adapter_config.json', 'experts.json', 'peft/adapter_model.safetensors', 'checkpoints/step-6/state.json']) assert.ok(fs.existsSync(path.join(jobRun, file)), file);
  assert.equal(fs.readFileSync(path.join(jobRun, 'experts.json'), 'utf8'), fs.readFileSync(path.join(smoeRun, 'experts.json'), 'utf8'));
  const brought = runsInRoots([path.join(jobDir, 'runs')]);
  assert.deepEqual(brought.map((r) => [r.record.kind, r.record.status, r.incomplete]), [['train', 'succeeded', undefined]], 'the run comes back complete');
  return { smoeRun, jobRun };
}

/** train.py --resume from the step-3 checkpoint of a copy of its run ends where the uninterrupted run ended. */
function checkResume(t: TestContext, jobDir: string, jobRun: string): void {
  const copy = path.join(tempDir('smoe-export-resume-'), path.basename(jobRun));
  fs.cpSync(jobRun, copy, { recursive: true });
  for (const name of fs.readdirSync(path.join(copy, 'checkpoints'))) if (name !== 'step-3') fs.rmSync(path.join(copy, 'checkpoints', name), { recursive: true });
  fs.rmSync(path.join(copy, 'adapter.safetensors'));
  python([path.join(jobDir, 'train.py'), '--resume', copy, '--device', 'cpu']);
  const diff = compareAdapters(jobRun, copy);
  t.diagnostic(`resume from step 3: adapter max abs diff ${diff.toExponential(2)}`);
  assert.ok(diff <= TOLERANCE, `the resumed run ends ${diff} away from the uninterrupted one`);
}

/** `smoe eval` on the brought-back adapter gives what it gives on smoe's own. */
async function checkEvaluation(experimentFile: string, runs: { smoeRun: string; jobRun: string }): Promise<void> {
  const report = async (adapterRun: string) => (await runJobRequest({ kind: 'evaluate', experimentFile, adapterRun, limit: 4 }, context())).summary?.report as EvalReport;
  const [local, brought] = [await report(runs.smoeRun), await report(runs.jobRun)];
  for (const [task, entry] of Object.entries(local.tasks)) {
    assert.ok(Math.abs(brought.tasks[task].loss - entry.loss) <= TOLERANCE * entry.loss, `${task}: held-out loss ${brought.tasks[task].loss} vs ${entry.loss}`);
    assert.equal(brought.tasks[task].accuracy, entry.accuracy);
  }
}

/** train.py with gradient checkpointing (training.recompute) ends where the run without it ended, and says it used it. */
function checkCheckpointing(t: TestContext, jobDir: string, jobRun: string): void {
  const runs = path.join(jobDir, 'runs-checkpointed');
  python([path.join(jobDir, 'train.py'), '--runs', runs, '--device', 'cpu', '--gradient-checkpointing', 'on']);
  const checkpointed = onlyRun(runs);
  const diff = compareAdapters(jobRun, checkpointed);
  t.diagnostic(`gradient checkpointing: adapter max abs diff ${diff.toExponential(2)}`);
  assert.deepEqual(stepLosses(checkpointed), stepLosses(jobRun), 'the same losses at every step');
  assert.ok(diff <= 1e-6, `the checkpointed run ends ${diff} away`);
  assert.match(logText(checkpointed), /gradient checkpointing/);
  assert.doesNotMatch(logText(jobRun), /gradient checkpointing/, 'training.recompute auto leaves it off for a model this small');
}

function logText(runDir: string): string {
  return readRunEvents(runDir).flatMap((e) => (e.event === 'log' ? [e.message] : [])).join('\n');
}

async function checkProbe(t: TestContext, experimentFile: string, jobDir: string): Promise<void> {
  const smoe = await runJobRequest({ kind: 'probe', experimentFile }, context());
  const expected = JSON.parse(fs.readFileSync(path.join(smoe.runDir as string, 'sensitivity.json'), 'utf8')) as { tasks: Record<string, Record<string, number>> };
  const out = path.join(jobDir, 'sensitivity.json');
  python([path.join(jobDir, 'probe.py'), '--out', out, '--device', 'cpu']);
  const actual = JSON.parse(fs.readFileSync(out, 'utf8')) as typeof expected;
  assert.deepEqual(Object.keys(actual.tasks), Object.keys(expected.tasks));
  let worst = 0;
  for (const [task, values] of Object.entries(expected.tasks)) {
    assert.deepEqual(Object.keys(actual.tasks[task]).sort(), Object.keys(values).sort(), `${task}: same modules`);
    for (const [module, value] of Object.entries(values)) {
      assert.ok(value > 0, `${task} ${module}: smoe's sensitivity is ${value}; the workspace must score tokens within probe.maxLength`);
      worst = Math.max(worst, Math.abs(actual.tasks[task][module] - value) / value);
    }
  }
  t.diagnostic(`probe: max relative diff ${worst.toExponential(2)} over ${Object.keys(expected.tasks).length} tasks`);
  assert.ok(worst <= TOLERANCE, `probe differs by ${worst} (relative)`);
}

describe('smoe export-job reproduces smoe train and smoe probe', () => {
  it('stories260K (llama2.c, pre-tokenized, shared-a)', { skip: SKIP_STORIES, timeout: 300_000 }, async (t) => {
    const experimentFile = storiesWorkspace(tempDir('smoe-export-stories-'), STORIES);
    const jobDir = exportAndCompile(experimentFile);
    const runs = await checkTraining(t, experimentFile, jobDir);
    checkResume(t, jobDir, runs.jobRun);
    checkCheckpointing(t, jobDir, runs.jobRun);
    await checkProbe(t, experimentFile, jobDir);
  });

  it('tiny HF model (text tasks, independent top-2 with balance loss)', { skip: SKIP_PYTHON, timeout: 300_000 }, async (t) => {
    const experimentFile = tinyHfWorkspace();
    const jobDir = exportAndCompile(experimentFile);
    await checkEvaluation(experimentFile, await checkTraining(t, experimentFile, jobDir));
    await checkProbe(t, experimentFile, jobDir);
  });
});

describe('smoe export-job refuses what it cannot export', () => {
  const refused = (experimentFile: string, message: RegExp) => {
    const result = spawnSync(process.execPath, [cli(), 'export-job', '--config', experimentFile, '--out', tempDir('smoe-export-refused-')], { encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') } });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  };

  it('names the task whose data file is missing', () => {
    const experimentFile = tinyHfWorkspace();
    const experiment = JSON.parse(fs.readFileSync(experimentFile, 'utf8'));
    experiment.tasks[1].train = 'data/missing/train.json';
    fs.writeFileSync(experimentFile, JSON.stringify(experiment));
    refused(experimentFile, /tasks\[1\]\.train "data\/missing\/train\.json" does not exist/);
  });

  it('names model.path when the model is in a format the job cannot load', () => {
    const experimentFile = tinyHfWorkspace();
    const modelDir = path.join(path.dirname(experimentFile), 'model');
    for (const name of fs.readdirSync(modelDir)) if (name.endsWith('.safetensors')) fs.renameSync(path.join(modelDir, name), path.join(modelDir, 'pytorch_model.bin'));
    refused(experimentFile, /model\.path "model" cannot be exported: .*safetensors/);
  });
});
