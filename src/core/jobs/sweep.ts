// The `sweep` job: every combination of the experiment's `sweep` lists becomes a run (allocate → train →
// evaluate), worked off one at a time from queue.json in a sweep run folder; resumable, cancellable per run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SensitivityTable } from '../algo';
import { readSensitivity } from '../algo/sensitivity';
import { parseExperimentText } from '../experiment/load';
import { newestProbeRun } from '../experiment/sensitivitySource';
import { throwIfCancelled, JobCancelledError, type JobContext, type JobOutcome, type RunDirListener } from '../runFolder/context';
import { runEvaluateJob } from './evaluate';
import { runProbeJob } from './probe';
import { runTrainJob } from './train';
import type { EngineOptions, JobRequest } from './requests';
import { defaultRunsRoot, readRunRecord, RunFolder, withRunFolder, writeFileAtomic } from '../runFolder/runFolder';
import { allocateRun, writeRunExperiment } from './sweepEntry';
import { createQueue, nextEntry, queueProgress, readQueue, updateEntry, type QueueEntry } from './sweepQueue';
import { COMPARISON_FILE, compareSweep } from './sweepSummary';
import { planSweep, type SweepPlan } from './sweepPlan';

export { planSweep, SweepPlanError, type SweepPlan } from './sweepPlan';

type SweepRequest = Extract<JobRequest, { kind: 'sweep' }>;

interface SweepState {
  dir: string;
  plan: SweepPlan;
  raw: Record<string, unknown>;
  runsRoot: string;
  engine: EngineOptions;
  table?: SensitivityTable;
}

function succeeded(runDir: string | undefined): boolean {
  return runDir !== undefined && readRunRecord(runDir)?.status === 'succeeded';
}

function tagged(ctx: JobContext, tag: string): JobContext {
  return { ...ctx, progress: (e) => ctx.progress({ ...e, phase: `${e.phase} [${tag}]` }) };
}

/** The vote's and proportional's sensitivities: the file's own, the newest probe run, or a probe run now. */
async function sensitivityFor(state: SweepState, ctx: JobContext): Promise<SensitivityTable | undefined> {
  if (!state.plan.specs.some((s) => s.strategy === 'vote' || s.strategy === 'proportional')) return undefined;
  const { loaded } = state.plan;
  const own = loaded.experiment.allocation.sensitivity;
  const found = own ? loaded.resolve(own) : newestProbeRun(state.runsRoot, loaded.file)?.location;
  if (found) return readSensitivity(found);
  ctx.log('info', 'no sensitivity yet: probing first');
  const outcome = await runProbeJob({ kind: 'probe', experimentFile: loaded.file, runsRoot: state.runsRoot, ...state.engine }, tagged(ctx, 'probe'), () => undefined);
  return readSensitivity(outcome.runDir as string);
}

/** One entry: allocate (once), train (resuming its run after a kill), evaluate; a cancelled entry stops between phases. */
async function runEntry(state: SweepState, entry: QueueEntry, ctx: JobContext): Promise<void> {
  const id = entry.spec.id;
  const update = (change: (e: QueueEntry) => void) => updateEntry(state.dir, id, change);
  update((e) => { e.status = 'running'; });
  let experimentFile = entry.experimentFile;
  if (!experimentFile || !fs.existsSync(experimentFile)) {
    const run = allocateRun(entry.spec, state.plan.loaded, state.plan.model, state.table);
    experimentFile = writeRunExperiment(state.dir, state.plan.loaded, state.raw, entry.spec, run);
    update((e) => { e.experimentFile = experimentFile; });
  }
  let trainRun = entry.trainRun;
  if (!succeeded(trainRun)) {
    const resumeRun = trainRun && fs.existsSync(path.join(trainRun, 'run.json')) ? trainRun : undefined;
    const request = { kind: 'train' as const, experimentFile, runsRoot: state.runsRoot, resumeRun, ...state.engine };
    trainRun = (await runTrainJob(request, tagged(ctx, id), (dir) => update((e) => { e.trainRun = dir; }))).runDir;
  }
  if (readQueue(state.dir).entries.find((e) => e.spec.id === id)?.status === 'cancelled') return;
  const evaluation = { kind: 'evaluate' as const, experimentFile, runsRoot: state.runsRoot, adapterRun: trainRun, ...state.engine };
  await runEvaluateJob(evaluation, tagged(ctx, id), (dir) => update((e) => { e.evalRun = dir; }));
  update((e) => { if (e.status === 'running') e.status = 'done'; });
}

async function drainQueue(state: SweepState, ctx: JobContext): Promise<void> {
  for (;;) {
    throwIfCancelled(ctx.signal);
    const queue = readQueue(state.dir);
    const entry = nextEntry(queue);
    if (!entry) return;
    const { done, total } = queueProgress(queue);
    ctx.progress({ phase: 'sweep', done, total });
    ctx.log('info', `run ${done + 1} of ${total}: ${entry.spec.id}${entry.status === 'running' ? ' (resumed)' : ''}`);
    try {
      await runEntry(state, entry, ctx);
    } catch (error) {
      if (error instanceof JobCancelledError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      ctx.log('error', `${entry.spec.id} failed: ${message}`);
      updateEntry(state.dir, entry.spec.id, (e) => { e.status = 'failed'; e.error = message; });
    }
  }
}

export async function runSweepJob(request: SweepRequest, ctx: JobContext, onRunDir: RunDirListener): Promise<JobOutcome> {
  const plan = planSweep(request.experimentFile);
  if (!request.resumeSweep && plan.specs.length > plan.maxRuns && !request.confirmed) {
    throw new Error(`${plan.loaded.file}: the sweep makes ${plan.specs.length} runs, more than sweep.maxRuns (${plan.maxRuns}); confirm it (smoe sweep --yes) or raise sweep.maxRuns`);
  }
  const runsRoot = request.runsRoot ?? defaultRunsRoot(plan.loaded.dir);
  const run = request.resumeSweep
    ? RunFolder.reopen(request.resumeSweep)
    : RunFolder.create(runsRoot, 'sweep', { experiment: plan.loaded.file, name: plan.loaded.name, config: { sweep: plan.loaded.experiment.sweep, runs: plan.specs.length } });
  if (!request.resumeSweep) createQueue(run.dir, plan.loaded.file, plan.specs);
  onRunDir(run.dir);
  return withRunFolder(run, ctx, ctx.signal, async (jobCtx) => {
    const raw = parseExperimentText(fs.readFileSync(plan.loaded.file, 'utf8'), plan.loaded.file) as Record<string, unknown>;
    const state: SweepState = { dir: run.dir, plan, raw, runsRoot, engine: { device: request.device, threads: request.threads } };
    state.table = await sensitivityFor(state, jobCtx);
    await drainQueue(state, jobCtx);
    const queue = readQueue(run.dir);
    const comparison = compareSweep(queue);
    writeFileAtomic(run.file(COMPARISON_FILE), JSON.stringify(comparison, null, 2) + '\n');
    const progress = queueProgress(queue);
    run.record.summary = { runs: progress.total, ...progress.counts };
    return { runDir: run.dir, summary: { ...progress.counts, runs: progress.total, comparison } };
  });
}
