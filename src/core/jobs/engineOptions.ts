// The engine options every job derives the same way: request over experiment file, and both reports wired to the job.
import type { EngineSessionOptions } from '../engine';
import type { LoadedExperiment } from '../experiment/load';
import type { JobReporter } from '../runFolder/context';
import type { EngineOptions } from './requests';

/** Device and threads (the request wins over the experiment file); fallbacks go to the log, placements to the events. */
export function jobEngineOptions(request: EngineOptions, loaded: LoadedExperiment, ctx: JobReporter): EngineSessionOptions {
  const threads = request.threads ?? loaded.experiment.threads;
  return { device: request.device ?? loaded.experiment.device ?? 'auto', intraOpThreads: threads ? threads : undefined, ...engineReports(ctx) };
}

/** Where a job's sessions say why a device was passed over (a warning, once) and where their nodes ran (an event per graph). */
export function engineReports(ctx: JobReporter): Pick<EngineSessionOptions, 'onNotice' | 'onPlacement'> {
  return {
    onNotice: (message) => ctx.log('warn', message),
    onPlacement: (report) => ctx.metric({ type: 'placement', ...report }),
  };
}
