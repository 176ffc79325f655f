// The `probe` job: experiment -> run folder -> per-task sensitivities in sensitivity.json (DESIGN.md §3.2, §5).
import { readProbeSamples } from '../algo/probeSamples';
import { SENSITIVITY_FILE } from '../algo/sensitivity';
import { STABILITY_FILE, stabilityReport, type StabilityReport } from '../algo/stability';
import type { EngineSessionOptions } from '../engine';
import { loadExperiment, type LoadedExperiment } from '../experiment/load';
import { probeToFile, type ProbeOutcome, type ProbePlan } from '../probe/run';
import { JobCancelledError, type JobContext } from '../runFolder/context';
import type { JobOutcome, RunDirListener } from '../runFolder/context';
import { loadInputs, logInputProblems, modelSpecOf, taskFilesOf, type LoadedInputs, type ModelSpec, type TaskFile } from './loadInputs';
import { jobEngineOptions } from './engineOptions';
import { LoadProgress } from './loadProgress';
import type { JobRequest } from './requests';
import { defaultRunsRoot, RunFolder, withRunFolder, writeFileAtomic } from '../runFolder/runFolder';

type ProbeRequest = Extract<JobRequest, { kind: 'probe' }>;

/** What the probe loads: the model and each task's training file, sampled. */
export interface ProbeInputPlan {
  model: ModelSpec;
  tasks: TaskFile[];
  samplesPerTask: number;
  seed: number;
  maxLength: number;
  /** Score the prompt tokens too (the training setting). */
  trainOnInputs: boolean;
  /** How the user names a tokenizer where the plan came from (a CLI flag or the experiment field). */
  tokenizerHint?: string;
  /** How the user names the probe's maxLength (a CLI flag or the experiment field), for messages. */
  lengthField?: string;
}

/** A probe plan with what to load: the model and each task's training file. */
export interface ProbeJobPlan extends ProbePlan, ProbeInputPlan {}

function probeInputPlanOf(loaded: LoadedExperiment): ProbeInputPlan {
  const { probe, training } = loaded.experiment;
  return {
    model: modelSpecOf(loaded), tasks: taskFilesOf(loaded, 'train'), samplesPerTask: probe.samplesPerTask, seed: probe.seed,
    maxLength: probe.maxLength, trainOnInputs: training.trainOnInputs, lengthField: 'probe.maxLength',
  };
}

/** The experiment's model, tasks (their train files), target modules and probe settings as a probe plan. */
export function probePlanOf(loaded: LoadedExperiment, engine: EngineSessionOptions): ProbeJobPlan {
  const { adapter, probe } = loaded.experiment;
  return { ...probeInputPlanOf(loaded), modules: adapter.targetModules, clip: probe.clip, method: probe.method, batchSize: probe.batchSize, recompute: probe.recompute, engine };
}

/** The plan's inputs through the shared loader (a seeded sample per task), validated before any work. */
export function loadProbeInputs(plan: ProbeInputPlan): LoadedInputs {
  if (plan.tasks.length === 0) throw new Error('no tasks to probe: give at least one --task NAME=FILE (or tasks in the experiment file)');
  return loadInputs({
    model: plan.model, tasks: plan.tasks, maxLength: plan.maxLength, trainOnInputs: plan.trainOnInputs,
    sample: { count: plan.samplesPerTask, seed: plan.seed }, tokenizerHint: plan.tokenizerHint, requireLabels: { lengthField: plan.lengthField ?? '--max-length' },
  });
}

/** Probes the plan's inputs (loaded here unless given) into `outFile`. */
export async function probeWithInputs(plan: ProbeJobPlan, outFile: string, ctx: JobContext, loaded = loadProbeInputs(plan)): Promise<ProbeOutcome> {
  const load = new LoadProgress(1).headers(ctx);
  logInputProblems(loaded, ctx);
  const tasks = loaded.tasks.map((t) => ({ name: t.name, examples: t.examples.map((e) => ({ index: e.index, example: e.encoded })) }));
  return probeToFile({ ...plan, maxLength: loaded.maxLength, engine: { ...plan.engine, ...load.hooks(ctx) } }, { located: loaded.located, tasks }, outFile, ctx);
}

/** Bootstraps the stored per-example values with the experiment's vote settings; writes stability.json. */
function writeStability(run: RunFolder, loaded: LoadedExperiment, modules: string[]): StabilityReport | undefined {
  const samples = readProbeSamples(run.dir);
  if (!samples) return undefined;
  const { percentile, scope } = loaded.experiment.allocation;
  const report = stabilityReport(samples, { candidates: modules, percentile, scope });
  writeFileAtomic(run.file(STABILITY_FILE), JSON.stringify(report, null, 2) + '\n');
  return report;
}

export async function runProbeJob(request: ProbeRequest, ctx: JobContext, onRunDir: RunDirListener): Promise<JobOutcome> {
  const loaded = loadExperiment(request.experimentFile);
  const config = { probe: loaded.experiment.probe, targetModules: loaded.experiment.adapter.targetModules };
  const inputs = loadProbeInputs(probeInputPlanOf(loaded));
  const run = RunFolder.create(request.runsRoot ?? defaultRunsRoot(loaded.dir), 'probe', { experiment: loaded.file, name: loaded.name, config });
  onRunDir(run.dir);
  return withRunFolder(run, ctx, ctx.signal, async (jobCtx) => {
    const plan = probePlanOf(loaded, jobEngineOptions(request, loaded, jobCtx));
    const file = run.file(SENSITIVITY_FILE);
    const outcome = await probeWithInputs(plan, file, jobCtx, inputs);
    const modules = Object.keys(Object.values(outcome.table.tasks)[0] ?? {});
    const stability = outcome.partial ? undefined : writeStability(run, loaded, modules);
    if (stability) jobCtx.log('info', `probe stability (vote, top ${stability.percentile}%): ${stability.hint}`);
    const summary = {
      tasks: Object.keys(outcome.table.tasks).length, modules: outcome.modules, examples: outcome.examples, seconds: outcome.seconds,
      ...(stability ? { stability: stability.hint } : {}),
    };
    run.record.timings.probeSeconds = outcome.seconds;
    run.record.summary = outcome.partial ? { ...summary, partial: true } : summary;
    jobCtx.artifact({ name: SENSITIVITY_FILE, path: file });
    if (outcome.partial) throw new JobCancelledError();
    return { runDir: run.dir, summary };
  });
}
