// Background jobs: one worker process per job, one job at a time per experiment (others wait in its queue).
import * as path from 'node:path';
import type { ArtifactEvent, LogLevel, MetricEvent, SkippedRecordsEvent } from '../core/runFolder/context';
import type { JobRequest } from '../core/jobs/requests';
import type { FromWorkerMessage } from '../protocol/worker';
import { Emitter } from './emitter';
import { ProgressTracker, type ProgressState } from './progressState';
import { WorkerProcess, type WorkerOutcome } from './workerProcess';

export type JobState = 'queued' | 'running' | 'finished';

export interface JobInfo {
  readonly id: string;
  /** Jobs with the same key run one after another: the experiment file, or the demo's folder. */
  readonly key: string;
  readonly request: JobRequest;
  readonly label: string;
  state: JobState;
  runDir?: string;
  pid?: number;
  progress?: ProgressState;
  outcome?: WorkerOutcome;
  cancelRequested: boolean;
  /** Per task file, the records the job left out (its `skipped-records` events), for the closing notification. */
  skippedRecords: SkippedRecordsEvent[];
}

export type JobEvent =
  | { type: 'queued' | 'started' | 'runDir' | 'progress' | 'finished'; job: JobInfo }
  | { type: 'metric'; job: JobInfo; metric: MetricEvent }
  | { type: 'log'; job: JobInfo; level: LogLevel; message: string }
  | { type: 'artifact'; job: JobInfo; artifact: ArtifactEvent }
  | { type: 'output'; job: JobInfo; line: string };

export interface JobManagerOptions {
  script: () => string;
  cancelGraceMs: () => number;
  env?: NodeJS.ProcessEnv;
  /** Hears an exception thrown by an event listener; without it the exception is rethrown outside the job manager. */
  onListenerError?: (error: unknown) => void;
}

interface Entry {
  info: JobInfo;
  tracker: ProgressTracker;
  worker?: WorkerProcess;
  finished: Promise<WorkerOutcome>;
  resolve(outcome: WorkerOutcome): void;
}

export function jobKey(request: JobRequest): string {
  return request.kind === 'demo' ? `demo:${path.resolve(request.outDir)}` : path.resolve(request.experimentFile);
}

let counter = 0;

/** A listener's exception must not stop the others; thrown on a later tick, it still reaches the host's error log. */
function rethrowLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  });
}
const RECENT_LIMIT = 50;

export class JobManager {
  private readonly entries = new Map<string, Entry>();
  private readonly finishedJobs: JobInfo[] = [];
  private readonly emitter: Emitter<JobEvent>;
  readonly onEvent: Emitter<JobEvent>['event'];

  constructor(private readonly options: JobManagerOptions) {
    this.emitter = new Emitter<JobEvent>(options.onListenerError ?? rethrowLater);
    this.onEvent = this.emitter.event;
  }

  /** Queues the job; it starts now when nothing else of its experiment is queued or running. */
  submit(request: JobRequest, label: string): JobInfo {
    const info: JobInfo = { id: `job-${++counter}-${Date.now().toString(36)}`, key: jobKey(request), request, label, state: 'queued', cancelRequested: false, skippedRecords: [] };
    let resolve!: (outcome: WorkerOutcome) => void;
    const finished = new Promise<WorkerOutcome>((r) => { resolve = r; });
    this.entries.set(info.id, { info, tracker: new ProgressTracker(), finished, resolve });
    this.emitter.fire({ type: 'queued', job: info });
    this.startNext(info.key);
    return info;
  }

  whenFinished(jobId: string): Promise<WorkerOutcome> | undefined {
    const entry = this.entries.get(jobId);
    if (entry) return entry.finished;
    const outcome = this.finishedJobs.find((info) => info.id === jobId)?.outcome;
    return outcome ? Promise.resolve(outcome) : undefined;
  }

  /** Queued and running jobs, oldest first. */
  jobs(): JobInfo[] {
    return [...this.entries.values()].map((e) => e.info).filter((info) => info.state !== 'finished');
  }

  job(jobId: string): JobInfo | undefined {
    return this.entries.get(jobId)?.info ?? this.finishedJobs.find((info) => info.id === jobId);
  }

  /** The last jobs that finished, newest last (for messages and the test hook). */
  recent(): readonly JobInfo[] {
    return this.finishedJobs;
  }

  /** A queued job is dropped; a running one is asked to stop, then terminated after the grace period. */
  cancel(jobId: string): boolean {
    const entry = this.entries.get(jobId);
    if (!entry || entry.info.state === 'finished') return false;
    entry.info.cancelRequested = true;
    if (entry.info.state === 'queued') this.finish(entry, { status: 'cancelled', message: 'cancelled before it started' });
    else entry.worker?.cancel();
    return true;
  }

  /** Kills a running job's worker at once (shutdown; tests). */
  kill(jobId: string, reason: string): boolean {
    const entry = this.entries.get(jobId);
    if (!entry?.worker || entry.info.state !== 'running') return false;
    entry.worker.kill(reason);
    return true;
  }

  dispose(): void {
    for (const entry of this.entries.values()) {
      if (entry.info.state === 'running') entry.worker?.kill('VS Code closed the extension while the job was running');
      else if (entry.info.state === 'queued') this.finish(entry, { status: 'cancelled', message: 'VS Code closed before it started' });
    }
    this.emitter.dispose();
  }

  private startNext(key: string): void {
    const all = [...this.entries.values()].filter((e) => e.info.key === key);
    if (all.some((e) => e.info.state === 'running')) return;
    const next = all.find((e) => e.info.state === 'queued');
    if (next) this.run(next);
  }

  private run(entry: Entry): void {
    const { info } = entry;
    const worker = new WorkerProcess(info.id, info.request, {
      script: this.options.script(),
      cancelGraceMs: this.options.cancelGraceMs(),
      env: this.options.env,
      onMessage: (message) => this.onMessage(entry, message),
      onOutput: (line) => this.emitter.fire({ type: 'output', job: info, line }),
    });
    entry.worker = worker;
    info.state = 'running';
    worker.start();
    info.pid = worker.pid;
    this.emitter.fire({ type: 'started', job: info });
    void worker.finished.then((outcome) => this.finish(entry, outcome));
  }

  private onMessage(entry: Entry, message: FromWorkerMessage): void {
    const job = entry.info;
    switch (message.type) {
      case 'started':
        job.runDir = message.runDir;
        this.emitter.fire({ type: 'runDir', job });
        return;
      case 'progress':
        job.progress = entry.tracker.update(message.progress, Date.now());
        this.emitter.fire({ type: 'progress', job });
        return;
      case 'metric':
        if (message.metric.type === 'skipped-records') job.skippedRecords.push(message.metric);
        this.emitter.fire({ type: 'metric', job, metric: message.metric });
        return;
      case 'log':
        this.emitter.fire({ type: 'log', job, level: message.level, message: message.message });
        return;
      case 'artifact':
        this.emitter.fire({ type: 'artifact', job, artifact: message.artifact });
        return;
      case 'done':
      case 'failed':
        // Terminal messages arrive through WorkerProcess.finished.
        return;
      default: {
        const never: never = message;
        void never;
      }
    }
  }

  private finish(entry: Entry, outcome: WorkerOutcome): void {
    if (entry.info.state === 'finished') return;
    entry.info.state = 'finished';
    entry.info.outcome = outcome;
    entry.info.runDir = outcome.runDir ?? entry.info.runDir;
    this.entries.delete(entry.info.id);
    this.finishedJobs.push(entry.info);
    if (this.finishedJobs.length > RECENT_LIMIT) this.finishedJobs.shift();
    entry.resolve(outcome);
    this.emitter.fire({ type: 'finished', job: entry.info });
    this.startNext(entry.info.key);
  }
}
