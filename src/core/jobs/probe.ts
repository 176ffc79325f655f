// The `probe` job: experiment -> run folder -> per-task sensitivities in sensitivity.json (DESIGN.md §3.2, §5).
import { SENSITIVITY_FILE } from '../algo/sensitivity';
import type { EngineSessionOptions } from '../engine';
import { loadExperiment, type LoadedExperiment } from '../experiment/load';
import { probeToFile, type ProbePlan } from '../probe/run';
import { JobCancelledError, type JobContext } from '../runFolder/context';
import type { JobOutcome, RunDirListener } from '../runFolder/context';
import type { EngineOptions, JobRequest } from './requests';
import { defaultRunsRoot, RunFolder, withRunFolder } from '../runFolder/runFolder';

type ProbeRequest = Extract<JobRequest, { kind: 'probe' }>;

function engineOptions(request: EngineOptions, loaded: LoadedExperiment, notice: (m: string) => void): EngineSessionOptions {
  const threads = request.threads ?? loaded.experiment.threads;
  return { device: request.device ?? loaded.experiment.device ?? 'auto', intraOpThreads: threads ? threads : undefined, onNotice: notice };
}

/** The experiment's model, tasks (their train files), target modules and probe settings as a probe plan. */
export function probePlanOf(loaded: LoadedExperiment, engine: EngineSessionOptions): ProbePlan {
  const { model, tasks, adapter, probe, training } = loaded.experiment;
  return {
    model: { path: loaded.resolve(model.path), format: model.format, tokenizer: model.tokenizer ? loaded.resolve(model.tokenizer) : undefined },
    tasks: tasks.map((t) => ({ name: t.name, file: loaded.resolve(t.train) })),
    modules: adapter.targetModules,
    samplesPerTask: probe.samplesPerTask,
    seed: probe.seed,
    maxLength: probe.maxLength,
    clip: probe.clip,
    method: probe.method,
    batchSize: probe.batchSize,
    trainOnInputs: training.trainOnInputs,
    engine,
  };
}

export async function runProbeJob(request: ProbeRequest, ctx: JobContext, onRunDir: RunDirListener): Promise<JobOutcome> {
  const loaded = loadExperiment(request.experimentFile);
  const config = { probe: loaded.experiment.probe, targetModules: loaded.experiment.adapter.targetModules };
  const run = RunFolder.create(request.runsRoot ?? defaultRunsRoot(loaded.dir), 'probe', { experiment: loaded.file, name: loaded.name, config });
  onRunDir(run.dir);
  return withRunFolder(run, ctx, ctx.signal, async (jobCtx) => {
    const plan = probePlanOf(loaded, engineOptions(request, loaded, (m) => jobCtx.log('warn', m)));
    const file = run.file(SENSITIVITY_FILE);
    const outcome = await probeToFile(plan, file, jobCtx);
    const summary = { tasks: Object.keys(outcome.table.tasks).length, modules: outcome.modules, examples: outcome.examples, seconds: outcome.seconds };
    run.record.timings.probeSeconds = outcome.seconds;
    run.record.summary = outcome.partial ? { ...summary, partial: true } : summary;
    jobCtx.artifact({ name: SENSITIVITY_FILE, path: file });
    if (outcome.partial) throw new JobCancelledError();
    return { runDir: run.dir, summary };
  });
}
