// The `evaluate` job: greedy generation + answer matching and held-out loss per task, for the base model or
// the base model with a trained adapter; writes eval.json.
import { extractAnswer, picksScoredRows } from '../data';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadExperiment, type LoadedExperiment } from '../experiment/load';
import { adaptedModules } from '../model/adapters/config';
import { ADAPTER_WEIGHTS_FILE, checkAdapterParams, readAdapterFiles } from '../model/adapters/files';
import { baseModelOf } from './baseModel';
import { coverageText } from './checkInputs';
import { loadInputs, logInputProblems, modelSpecOf, taskFilesOf, type TaskInputs } from './loadInputs';
import type { BaseModel } from '../train/baseModel';
import type { AdapterValues } from '../train/evalLoss';
import { LossScorer } from '../train/evalLoss';
import { evalReport, evalTaskEvent, nothingToEvaluate, taskEvaluation, type TaskEvaluation } from '../train/evalReport';
import { throwIfCancelled, type JobContext } from '../runFolder/context';
import type { JobOutcome, RunDirListener } from '../runFolder/context';
import type { JobRequest } from './requests';
import { defaultRunsRoot, RunFolder, withRunFolder, writeFileAtomic } from '../runFolder/runFolder';
import { jobEngineOptions } from './engineOptions';
import { LoadProgress } from './loadProgress';
import { memoryRefusal } from '../algo/memory';
import { locateCheckpoint, storedWeightBytes, type LocatedCheckpoint } from '../model/load';

type EvaluateRequest = Extract<JobRequest, { kind: 'evaluate' }>;

import { EVAL_FILE } from './evalFile';

export { EVAL_FILE, readPerExample } from './evalFile';

function loadAdapter(dir: string | undefined, base: BaseModel): AdapterValues | undefined {
  if (!dir) return undefined;
  const adapter = readAdapterFiles(dir);
  checkAdapterParams(adapter, base.config);
  return { config: adapter.config, modules: adaptedModules(adapter.config, base.config), params: adapter.params };
}

async function evaluateTask(loaded: LoadedExperiment, base: BaseModel, task: TaskInputs, tools: { scorer: LossScorer; generate: (ids: number[]) => Promise<number[]>; ctx: JobContext }): Promise<TaskEvaluation> {
  const { evaluation } = loaded.experiment;
  const { name, examples, pattern } = task;
  const correct: boolean[] = [];
  for (const [i, example] of examples.entries()) {
    throwIfCancelled(tools.ctx.signal);
    // Pre-tokenized records carry no answer text: nothing to compare a generation with, only the loss counts.
    if (example.answer !== undefined) {
      const predicted = extractAnswer(base.decode(await tools.generate(example.promptIds ?? [])), pattern);
      correct.push(predicted !== undefined && predicted.trim().toLowerCase() === example.answer.trim().toLowerCase());
    }
    tools.ctx.progress({ phase: `evaluate ${name}`, done: i + 1, total: examples.length });
  }
  if (examples.length > 0 && correct.length === 0) tools.ctx.log('info', `task "${name}": the test data has no answer text (pre-tokenized?), so accuracy is n/a; held-out loss only`);
  const losses = await tools.scorer.score(examples.map((e) => e.encoded), base.padId, evaluation.batchSize, loaded.experiment.training.maxLength);
  return taskEvaluation(correct, losses);
}

/** Float32 values of the adapter the run evaluates (its weights file's size; 0 for the base model). */
function adapterParamsOf(adapterRun: string | undefined): number {
  const file = adapterRun ? path.join(adapterRun, ADAPTER_WEIGHTS_FILE) : undefined;
  return file && fs.existsSync(file) ? fs.statSync(file).size / 4 : 0;
}

/**
 * Stops before the run folder and the weights when the scoring batch (evaluation.batchSize x training.maxLength)
 * would outgrow the machine's memory. A model that cannot be located is left to the loader's own message.
 */
function checkFits(loaded: LoadedExperiment, request: EvaluateRequest): void {
  let located: LocatedCheckpoint;
  try {
    located = locateCheckpoint(modelSpecOf(loaded).path, modelSpecOf(loaded).format);
  } catch {
    return;
  }
  const length = Math.min(loaded.experiment.training.maxLength, located.config.maxPositions);
  const job = { kind: 'evaluate' as const, batch: loaded.experiment.evaluation.batchSize, length, adapterParams: adapterParamsOf(request.adapterRun) };
  const refusal = memoryRefusal(located.config, storedWeightBytes(located), job, os.totalmem(), { batch: 'evaluation.batchSize', length: 'training.maxLength' });
  if (refusal) throw new Error(`${located.path}: ${refusal}`);
}

/** Refuses an evaluation that has nothing to evaluate before any run folder or model is made (a 0-example result would look like a perfect loss). */
function requireTestData(loaded: LoadedExperiment): void {
  const message = nothingToEvaluate(loaded.file, loaded.experiment.tasks);
  if (message) throw new Error(message);
}

/** Every task with test examples; one with none is left out (an empty cell, never a 0 that looks best). */
async function evaluateTasks(loaded: LoadedExperiment, base: BaseModel, inputs: { tasks: TaskInputs[] }, tools: { scorer: LossScorer; generate: (ids: number[]) => Promise<number[]>; ctx: JobContext }): Promise<Record<string, TaskEvaluation>> {
  const tasks: Record<string, TaskEvaluation> = {};
  for (const [t, task] of loaded.experiment.tasks.entries()) {
    const data = inputs.tasks.find((d) => d.name === task.name);
    if (!task.test || !data) { tools.ctx.log('warn', `${loaded.file}: task "${task.name}" has no test file (tasks[${t}].test); skipped`); continue; }
    const result = await evaluateTask(loaded, base, data, tools);
    if (result.examples === 0) { tools.ctx.log('warn', `${loaded.file}: tasks[${t}].test of "${task.name}" has no examples; left out of eval.json`); continue; }
    tasks[task.name] = result;
    const event = evalTaskEvent(task.name, result);
    if (event) tools.ctx.metric(event);
  }
  if (Object.keys(tasks).length === 0) throw new Error(`${loaded.file}: no test examples to evaluate (every tasks[].test file is empty after filtering); add examples to a test file`);
  return tasks;
}

export async function runEvaluateJob(request: EvaluateRequest, ctx: JobContext, onRunDir: RunDirListener): Promise<JobOutcome> {
  const loaded = loadExperiment(request.experimentFile);
  requireTestData(loaded);
  checkFits(loaded, request);
  const load = new LoadProgress(2).headers(ctx);
  const { maxNewTokens, limit } = loaded.experiment.evaluation;
  const inputs = loadInputs({
    model: modelSpecOf(loaded), tasks: taskFilesOf(loaded, 'test'), maxLength: loaded.experiment.training.maxLength, trainOnInputs: false, limit: request.limit ?? limit, prompts: true,
  });
  const run = RunFolder.create(request.runsRoot ?? defaultRunsRoot(loaded.dir), 'evaluate', {
    experiment: loaded.file, name: loaded.name, config: { adapter: request.adapterRun ?? null, evaluation: loaded.experiment.evaluation, limit: request.limit },
  });
  onRunDir(run.dir);
  return withRunFolder(run, ctx, ctx.signal, async (jobCtx) => {
    logInputProblems(inputs, jobCtx);
    for (const s of inputs.skipped) {
      const coverage = coverageText(s, request.limit !== undefined ? '--limit' : 'evaluation.limit');
      if (coverage) jobCtx.log('warn', coverage);
    }
    const base = baseModelOf(inputs);
    const adapter = loadAdapter(request.adapterRun, base);
    const options = { ...jobEngineOptions(request, loaded, jobCtx), ...load.hooks(jobCtx) };
    const scored = picksScoredRows(inputs.tasks.flatMap((t) => t.examples.map((e) => e.encoded)));
    const scorer = await LossScorer.create(base.buildLogits, adapter, options, base.openSession, scored);
    const generator = await base.createGenerator(adapter, options);
    try {
      const tools = { scorer, generate: (ids: number[]) => generator.greedy(ids, maxNewTokens), ctx: jobCtx };
      const tasks = await evaluateTasks(loaded, base, inputs, tools);
      const report = evalReport(tasks, request.adapterRun ?? null, base.path, maxNewTokens);
      writeFileAtomic(run.file(EVAL_FILE), JSON.stringify(report, null, 2) + '\n');
      jobCtx.artifact({ name: EVAL_FILE, path: run.file(EVAL_FILE) });
      run.record.summary = { average: report.average, adapter: report.adapter };
      return { runDir: run.dir, summary: { report, evalFile: run.file(EVAL_FILE) } };
    } finally {
      await scorer.dispose();
      await generator.dispose();
    }
  });
}
