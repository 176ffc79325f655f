import type { PlacementReport } from '../engine/placement';

/** What every long job reports while it runs; the CLI prints it, the worker forwards it over IPC, the run folder records it. */
export type JobKind = 'probe' | 'allocate' | 'train' | 'evaluate' | 'export' | 'demo' | 'sweep';

export interface ProgressEvent {
  /** What is happening now, e.g. "probe boolq" or "train". */
  phase: string;
  done: number;
  total: number;
  message?: string;
}

export interface RouterLoad {
  /** Mean gate value per expert over the scored tokens of the step. */
  meanGate: number[];
  /** Top-k routers: fraction of tokens that selected each expert. */
  selection?: number[];
}

/** Records of one task file that a job did not use (malformed, or with nothing scored); the extension shows the counts. */
export interface SkippedRecordsEvent {
  type: 'skipped-records';
  task: string;
  file: string;
  /** Records read (kept + skipped). */
  records: number;
  /** Malformed records left out (missing fields, invalid UTF-8, not JSON). */
  skipped: number;
  /** Records the job used (after the probe's sample or evaluation's limit). */
  used: number;
  /** Used examples with no scored token within maxLength (they add nothing to a loss or a sensitivity). */
  unscored: number;
  /** The first few reasons, `file:line: reason`. */
  reasons: string[];
}

export type MetricEvent =
  | {
      type: 'train-step';
      step: number;
      loss: number;
      taskLoss: Record<string, number>;
      learningRate: number;
      gradNorm: number;
      tokensPerSecond: number;
      routerLoad?: Record<string, RouterLoad>;
    }
  | { type: 'probe-example'; task: string; index: number; seconds: number }
  | ({ type: 'placement' } & PlacementReport)
  | { type: 'eval-task'; task: string; accuracy: number; loss: number; examples: number }
  | SkippedRecordsEvent;

export type LogLevel = 'info' | 'warn' | 'error';

export interface ArtifactEvent {
  /** File name inside the run folder, e.g. `sensitivity.json`. */
  name: string;
  path: string;
}

export interface JobReporter {
  progress(event: ProgressEvent): void;
  metric(event: MetricEvent): void;
  log(level: LogLevel, message: string): void;
  artifact(event: ArtifactEvent): void;
}

/** Passed to every job function: reporting plus cooperative cancellation (checked between examples/steps). */
export interface JobContext extends JobReporter {
  signal: AbortSignal;
}

/** Thrown by jobs when they stop because the signal was aborted; partial results are already written. */
export class JobCancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'JobCancelledError';
  }
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new JobCancelledError();
}

/** A reporter that drops everything (tests, nested jobs). */
export const silentReporter: JobReporter = {
  progress: () => undefined,
  metric: () => undefined,
  log: () => undefined,
  artifact: () => undefined,
};

/** What a finished job hands back: where its run folder is and a few figures for the caller's summary. */
export interface JobOutcome {
  runDir?: string;
  summary?: Record<string, unknown>;
}

/** Called with the run folder as soon as the job has claimed it (the worker tells the extension). */
export type RunDirListener = (runDir: string) => void;
