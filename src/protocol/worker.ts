/**
 * The extension <-> background worker protocol (Node IPC over `child_process.fork`).
 * One job per worker process. Every message is a member of these unions; handlers switch exhaustively.
 */
import type { ArtifactEvent, LogLevel, MetricEvent, ProgressEvent } from '../core/runFolder/context';
import type { JobRequest } from '../core/jobs/requests';

/** extension -> worker: start the one job this worker runs. */
export interface StartJobMessage {
  type: 'start';
  jobId: string;
  request: JobRequest;
}

/** extension -> worker: stop at the next example/step boundary, keeping partial results. */
export interface CancelJobMessage {
  type: 'cancel';
  jobId: string;
}

export type ToWorkerMessage = StartJobMessage | CancelJobMessage;

/** worker -> extension: the job claimed its run folder. */
export interface JobStartedMessage {
  type: 'started';
  jobId: string;
  runDir: string;
}

/** worker -> extension: progress of the current phase. */
export interface ProgressMessage {
  type: 'progress';
  jobId: string;
  progress: ProgressEvent;
}

/** worker -> extension: a metric (training step, evaluated task, probed example). */
export interface MetricMessage {
  type: 'metric';
  jobId: string;
  metric: MetricEvent;
}

/** worker -> extension: a log line for the output channel. */
export interface LogMessage {
  type: 'log';
  jobId: string;
  level: LogLevel;
  message: string;
}

/** worker -> extension: a file was written in the run folder. */
export interface ArtifactMessage {
  type: 'artifact';
  jobId: string;
  artifact: ArtifactEvent;
}

/** worker -> extension: the job finished (or was cancelled and kept its partial results). */
export interface DoneMessage {
  type: 'done';
  jobId: string;
  cancelled: boolean;
  runDir?: string;
  summary?: Record<string, unknown>;
}

/** worker -> extension: the job failed; `message` is user-facing. */
export interface FailedMessage {
  type: 'failed';
  jobId: string;
  message: string;
  runDir?: string;
}

export type FromWorkerMessage =
  | JobStartedMessage
  | ProgressMessage
  | MetricMessage
  | LogMessage
  | ArtifactMessage
  | DoneMessage
  | FailedMessage;

const FROM_WORKER_TYPES = new Set<FromWorkerMessage['type']>(['started', 'progress', 'metric', 'log', 'artifact', 'done', 'failed']);

/** Structural check for messages arriving from the worker process. */
export function isFromWorkerMessage(value: unknown): value is FromWorkerMessage {
  const candidate = value as { type?: unknown; jobId?: unknown } | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.jobId === 'string'
    && FROM_WORKER_TYPES.has(candidate.type as FromWorkerMessage['type']);
}

export function isToWorkerMessage(value: unknown): value is ToWorkerMessage {
  const candidate = value as { type?: unknown; jobId?: unknown } | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.jobId === 'string'
    && (candidate.type === 'start' || candidate.type === 'cancel');
}
