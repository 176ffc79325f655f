// The training loop inside a run folder: fresh start or resume, events per step, checkpoints, cancel, export.
import { JobCancelledError, type JobContext } from '../runFolder/context';
import type { TrainingSettings } from '../experiment/types';
import { deriveSeed, picksScoredRows, SeededRandom } from '../data';
import type { EngineSessionOptions } from '../engine';
import type { ModelConfig } from '../model/config';
import { adaptedModules, type LoraMoeConfig } from '../model/adapters/config';
import { writeAdapterFiles } from '../model/adapters/files';
import { adapterParamSpecs, initialParams } from '../model/adapters/params';
import { AdamW, type ParamSet } from './adamw';
import { removeStaleTemporaries, rotateCheckpoints, writeCheckpoint, type Checkpoint } from './checkpoint';
import { LossWatch } from './lossWatch';
import { MultiTaskSampler } from './sampler';
import { createTrainGraph, type LogitsBuilder, type SessionOpener } from './trainGraph';
import { NonFiniteLossError, Trainer, type StepReport, type TaskData } from './trainer';

/** Checkpoints kept when a run's settings predate training.keepCheckpoints. */
const DEFAULT_KEEP_CHECKPOINTS = 3;

export interface TrainRunInputs {
  runDir: string;
  ctx: JobContext;
  settings: TrainingSettings;
  config: LoraMoeConfig;
  model: ModelConfig;
  tasks: TaskData[];
  /** Sampling weight per task (see taskWeights). */
  weights: number[];
  padId: number;
  buildLogits: LogitsBuilder;
  sessionOptions: EngineSessionOptions;
  openSession?: SessionOpener;
  resume?: Checkpoint;
  /** Recompute each layer in the backward pass (the job resolves training.recompute "auto" from the memory estimate). */
  recompute?: boolean;
}

export interface TrainResult {
  steps: number;
  trainableParams: number;
  finalLoss?: number;
  tokensPerSecond?: number;
  seconds: number;
  params: ParamSet;
  files: string[];
}

interface Resumable {
  trainer: Trainer;
  sampler: MultiTaskSampler;
  dropoutRandom: SeededRandom;
  optimizer: AdamW;
  params: ParamSet;
  shapes: Record<string, number[]>;
}

function prepare(inputs: TrainRunInputs, graph: Awaited<ReturnType<typeof createTrainGraph>>): Resumable {
  const { settings, resume } = inputs;
  const specs = graph.adapters.specs;
  const shapes = Object.fromEntries(specs.map((s) => [s.name, [...s.dims]]));
  const params = resume ? resume.params : initialParams(specs, settings.seed);
  for (const spec of specs) if (!params.has(spec.name)) throw new Error(`the checkpoint has no tensor ${spec.name}: it was made for another adapter configuration`);
  const optimizer = new AdamW({ betas: settings.betas, eps: settings.eps, weightDecay: settings.weightDecay }, params, resume?.optimizer);
  const sizes = inputs.tasks.map((t) => t.examples.length);
  const sampler = new MultiTaskSampler(settings.seed, sizes, inputs.weights, resume?.state.sampler);
  const dropoutRandom = resume ? SeededRandom.restore(resume.state.dropoutRandom) : new SeededRandom(deriveSeed(settings.seed, 0xd0));
  const trainer = new Trainer({ graph, settings, dropout: inputs.config.dropout, tasks: inputs.tasks, padId: inputs.padId, params, shapes, optimizer, sampler, dropoutRandom }, resume?.state.step ?? 0);
  return { trainer, sampler, dropoutRandom, optimizer, params, shapes };
}

export async function trainInRunFolder(inputs: TrainRunInputs): Promise<TrainResult> {
  const { ctx, settings, runDir } = inputs;
  removeStaleTemporaries(runDir);
  const modules = adaptedModules(inputs.config, inputs.model);
  const scoredRowsOnly = picksScoredRows(inputs.tasks.flatMap((t) => t.examples));
  const graph = await createTrainGraph(inputs.config, modules, inputs.buildLogits, inputs.sessionOptions, inputs.openSession, { recompute: inputs.recompute, scoredRowsOnly });
  try {
    const run = prepare(inputs, graph);
    const trainableParams = adapterParamSpecs(inputs.config, modules).reduce((s, p) => s + p.dims[0] * p.dims[1], 0);
    ctx.log('info', `${modules.length} adapted modules, ${trainableParams.toLocaleString('en-US')} trainable parameters, ${inputs.resume ? `resuming at step ${run.trainer.step}` : 'starting at step 0'} of ${settings.maxSteps}${inputs.recompute ? '; each layer recomputed in the backward pass (training.recompute)' : ''}`);
    const outcome = await loop(inputs, run);
    const files = writeAdapterFiles(runDir, inputs.config, inputs.model, run.params);
    for (const file of files) ctx.artifact({ name: file.slice(runDir.length + 1), path: file });
    return { ...outcome, trainableParams, params: run.params, files };
  } finally {
    await graph.session.dispose();
  }
}

async function loop(inputs: TrainRunInputs, run: Resumable): Promise<{ steps: number; finalLoss?: number; tokensPerSecond?: number; seconds: number }> {
  const { ctx, settings } = inputs;
  let savedStep = inputs.resume?.state.step ?? -1;
  let last: StepReport | undefined;
  let tokens = 0;
  let seconds = 0;
  const save = (loss?: number, at = snapshot(run)): void => {
    if (at.step === savedStep) return;
    const dir = writeCheckpoint(inputs.runDir, run.params, run.optimizer.state, { ...at, shapes: run.shapes, loss });
    savedStep = at.step;
    ctx.artifact({ name: `checkpoints/step-${at.step}`, path: dir });
    rotateCheckpoints(inputs.runDir, settings.keepCheckpoints ?? DEFAULT_KEEP_CHECKPOINTS);
  };
  const watch = new LossWatch();
  while (run.trainer.step < settings.maxSteps) {
    if (ctx.signal.aborted) {
      save(last?.loss);
      throw new JobCancelledError(`cancelled at step ${run.trainer.step}; resume with --resume ${inputs.runDir}`);
    }
    const before = snapshot(run);
    try {
      last = await run.trainer.runStep();
    } catch (error) {
      // The failed step never reached the optimiser: the parameters and the step-start streams are still good.
      if (error instanceof NonFiniteLossError) save(undefined, before);
      throw error;
    }
    tokens += last.tokens;
    seconds += last.seconds;
    report(ctx, last, settings.maxSteps);
    const growing = watch.add(last.step, last.loss);
    if (growing) ctx.log('warn', growing);
    if (last.step % settings.checkpointEvery === 0) save(last.loss);
  }
  save(last?.loss);
  return { steps: run.trainer.step, finalLoss: last?.loss, tokensPerSecond: seconds > 0 ? tokens / seconds : undefined, seconds };
}

function snapshot(run: Resumable): { step: number; sampler: ReturnType<MultiTaskSampler['save']>; dropoutRandom: number } {
  return { step: run.trainer.step, sampler: run.sampler.save(), dropoutRandom: run.dropoutRandom.save() };
}

function report(ctx: JobContext, r: StepReport, total: number): void {
  ctx.metric({
    type: 'train-step', step: r.step, loss: r.loss, taskLoss: r.taskLoss, learningRate: r.learningRate,
    gradNorm: r.gradNorm, tokensPerSecond: r.seconds > 0 ? r.tokens / r.seconds : 0, ...(r.routerLoad ? { routerLoad: r.routerLoad } : {}),
  });
  ctx.progress({ phase: 'train', done: r.step, total, message: `loss ${r.loss.toFixed(4)} lr ${r.learningRate.toExponential(2)}` });
}
