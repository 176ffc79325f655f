import type { JobContext } from './context';
import type { JobRequest, JobRequestKind } from './requests';

/** What a finished job hands back: where its run folder is and a few figures for the caller's summary. */
export interface JobOutcome {
  runDir?: string;
  summary?: Record<string, unknown>;
}

/** Called with the run folder as soon as the job has claimed it (the worker tells the extension). */
export type RunDirListener = (runDir: string) => void;

type JobRunner<K extends JobRequestKind> = (
  request: Extract<JobRequest, { kind: K }>,
  ctx: JobContext,
  onRunDir: RunDirListener,
) => Promise<JobOutcome>;

type JobTable = { [K in JobRequestKind]?: () => Promise<JobRunner<K>> };

/** Job implementations by kind, loaded lazily so a worker only loads onnxruntime when a job needs it. */
const jobs: JobTable = {
  probe: async () => (await import('./probe')).runProbeJob,
  train: async () => (await import('./train')).runTrainJob,
  evaluate: async () => (await import('./evaluate')).runEvaluateJob,
  demo: async () => (await import('../demo/job')).runDemoJob,
};

/** Runs one job request; the worker and the CLI are thin shells over this. */
export async function runJobRequest(request: JobRequest, ctx: JobContext, onRunDir: RunDirListener = () => undefined): Promise<JobOutcome> {
  const load = jobs[request.kind] as (() => Promise<JobRunner<typeof request.kind>>) | undefined;
  if (!load) throw new Error(`the "${request.kind}" job is not available in this version yet`);
  const runner = await load();
  return runner(request as never, ctx, onRunDir);
}
