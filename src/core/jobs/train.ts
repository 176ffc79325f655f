// The `train` job: experiment -> run folder (new, or reopened to resume) -> training loop -> exported adapter.
import * as os from 'node:os';
import { planJobMemory } from '../algo/memory';
import { mapTrainableParams } from '../algo/params';
import { checkSlidingWindow } from '../model/config';
import type { BaseModel } from '../train/baseModel';
import { loadExperiment, type LoadedExperiment } from '../experiment/load';
import { configurationOf } from '../experiment/sweep';
import type { TrainingSettings } from '../experiment/types';
import { loraMoeConfig, type LoraMoeConfig } from '../model/adapters/config';
import { baseModelOf } from './baseModel';
import { loadInputs, logInputProblems, modelSpecOf, taskFilesOf } from './loadInputs';
import { totalExperts } from '../experiment/expertMap';
import { expertMapOf } from '../train/expertsOf';
import { taskWeights } from '../train/sampler';
import { trainInRunFolder } from '../train/trainLoop';
import type { JobContext } from '../runFolder/context';
import type { JobOutcome, RunDirListener } from '../runFolder/context';
import { jobEngineOptions } from './engineOptions';
import { LoadProgress } from './loadProgress';
import { trainingOverridesOf, type JobRequest } from './requests';
import { planResume, type TrainRunConfig } from './resume';
import { defaultRunsRoot, RunFolder, withRunFolder } from '../runFolder/runFolder';

type TrainRequest = Extract<JobRequest, { kind: 'train' }>;

/**
 * Stops before the run folder and the weights when the run outgrows a sliding window or the machine's memory;
 * returns whether to recompute each layer (training.recompute, `auto` resolved by the memory estimate).
 */
function checkFits(base: BaseModel, adapter: LoraMoeConfig, training: TrainingSettings): boolean {
  checkSlidingWindow(base.config, training.maxLength, 'training.maxLength');
  if (base.weightBytes === undefined) return training.recompute === true;
  const job = { kind: 'train' as const, batch: training.microBatchSize, length: training.maxLength, adapterParams: mapTrainableParams(base.config, adapter, adapter.experts) };
  const { recompute, refusal } = planJobMemory(base.config, base.weightBytes, job, training.recompute, os.totalmem(), {
    batch: 'training.microBatchSize', length: 'training.maxLength', recompute: 'training.recompute',
  });
  if (refusal) throw new Error(`${base.path}: ${refusal}`);
  return recompute;
}

/** A new run folder, or the resumed one with this resume's overrides recorded. */
function openTrainRun(request: TrainRequest, loaded: LoadedExperiment, config: TrainRunConfig, overrides: Record<string, number>): RunFolder {
  const overridden = Object.keys(overrides).length > 0;
  if (!request.resumeRun) {
    return RunFolder.create(request.runsRoot ?? defaultRunsRoot(loaded.dir), 'train', { experiment: loaded.file, name: loaded.name, config, ...(overridden ? { overrides } : {}) });
  }
  const run = RunFolder.reopen(request.resumeRun);
  if (overridden) {
    run.record.overrides = { ...run.record.overrides, ...overrides };
    run.record.config = config;
    run.save();
  }
  return run;
}

export async function runTrainJob(request: TrainRequest, ctx: JobContext, onRunDir: RunDirListener): Promise<JobOutcome> {
  const loaded = loadExperiment(request.experimentFile);
  if (request.fromCheckpoint && !request.resumeRun) throw new Error('--from-checkpoint needs --resume RUN_DIR: it names a checkpoint of that run');
  const resumed = request.resumeRun ? planResume(request.resumeRun, loaded.experiment.training, request.fromCheckpoint) : undefined;
  const overrides = trainingOverridesOf(request);
  const settings = { ...(resumed?.config.training ?? loaded.experiment.training), ...overrides };
  const load = new LoadProgress(1).headers(ctx);
  const inputs = loadInputs({
    model: modelSpecOf(loaded), tasks: taskFilesOf(loaded, 'train'), maxLength: settings.maxLength, trainOnInputs: settings.trainOnInputs,
    requireLabels: { lengthField: 'training.maxLength' },
  });
  const base = baseModelOf(inputs);
  const training = { ...settings, maxLength: inputs.maxLength };
  const adapter = resumed?.config.adapter ?? loraMoeConfig(loaded.experiment.adapter, expertMapOf(loaded, base.config, (m) => ctx.log('warn', m)), base.path);
  const config: TrainRunConfig = { adapter, training: settings, allocation: resumed ? resumed.config.allocation : configurationOf(loaded.experiment) };
  const recompute = checkFits(base, adapter, training);
  const run = openTrainRun(request, loaded, config, overrides);
  onRunDir(run.dir);
  return withRunFolder(run, ctx, ctx.signal, async (jobCtx) => {
    if (resumed) {
      for (const note of resumed.notes) jobCtx.log(note.level, note.message);
      jobCtx.log('info', resumed.checkpoint ? `resuming from ${resumed.checkpoint.dir}` : 'no readable checkpoint in the run: starting over');
      run.record.config = config;
      run.save();
    }
    logInputProblems(inputs, jobCtx);
    const tasks = inputs.tasks.map((t) => ({ name: t.name, examples: t.examples.map((e) => e.encoded) }));
    const weights = taskWeights(tasks.map((t) => t.examples.length), loaded.experiment.tasks.map((t) => t.weight));
    const result = await trainInRunFolder({
      runDir: run.dir, ctx: jobCtx, settings: training, config: adapter, model: base.config, tasks, weights, padId: base.padId,
      buildLogits: base.buildLogits, openSession: base.openSession, recompute, sessionOptions: { ...jobEngineOptions(request, loaded, jobCtx), ...load.hooks(jobCtx) }, resume: resumed?.checkpoint,
    });
    const summary = {
      steps: result.steps, finalLoss: result.finalLoss, trainableParams: result.trainableParams, totalExperts: totalExperts(adapter.experts),
      tokensPerSecond: result.tokensPerSecond, seconds: result.seconds, adapterDir: run.dir,
    };
    run.record.summary = summary;
    return { runDir: run.dir, summary };
  });
}
