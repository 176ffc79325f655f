// The job table: the top of src/core. It sits above every job, the demo included, so nothing below needs it.
import { runDemoJob } from '../demo/job';
import { runEvaluateJob } from '../jobs/evaluate';
import { runProbeJob } from '../jobs/probe';
import type { JobRequest, JobRequestKind } from '../jobs/requests';
import { runSweepJob } from '../jobs/sweep';
import { runTrainJob } from '../jobs/train';
import type { JobContext, JobOutcome, RunDirListener } from '../runFolder/context';

export type { JobOutcome, RunDirListener };

type JobRunner<K extends JobRequestKind> = (
  request: Extract<JobRequest, { kind: K }>,
  ctx: JobContext,
  onRunDir: RunDirListener,
) => Promise<JobOutcome>;

/** Every request kind has its runner: a kind without one does not compile. */
const jobs: { [K in JobRequestKind]: JobRunner<K> } = {
  probe: runProbeJob,
  train: runTrainJob,
  evaluate: runEvaluateJob,
  demo: runDemoJob,
  sweep: runSweepJob,
  // Loaded on demand: the exporter bundles the job's .py sources as text (esbuild), which plain tsc output cannot load.
  'export-job': async (request, ctx, onRunDir) => (await import('../export/job')).runExportJob(request, ctx, onRunDir),
};

/** Runs one job request; the worker and the CLI are thin shells over this. */
export async function runJobRequest(request: JobRequest, ctx: JobContext, onRunDir: RunDirListener = () => undefined): Promise<JobOutcome> {
  const runner = jobs[request.kind] as JobRunner<typeof request.kind>;
  return runner(request as never, ctx, onRunDir);
}
