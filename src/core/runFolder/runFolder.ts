import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ArtifactEvent, JobContext, JobKind, JobReporter, LogLevel, MetricEvent, ProgressEvent } from './context';
import { JobCancelledError } from './context';
import { writeFileAtomic } from '../data/atomicFile';
import { userMessage } from './userMessage';
import { acquireRunLock, processAlive, releaseRunLock } from './runLock';

export { writeFileAtomic };

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** `run.json` (DESIGN.md §5). */
export interface RunRecord {
  id: string;
  kind: JobKind;
  status: RunStatus;
  experiment?: string;
  name?: string;
  config?: unknown;
  startedAt: string;
  finishedAt?: string;
  pid: number;
  timings: Record<string, number>;
  summary?: Record<string, unknown>;
  error?: string;
  /** A name the user gave the run (shown instead of its id); kept across resumes. */
  label?: string;
  /** The user's note on the run. */
  note?: string;
  /** Settings this run used instead of the experiment file's (e.g. "Train with…": maxSteps, learningRate, seed). */
  overrides?: Record<string, number>;
  /** Machine that wrote the run (exported jobs record it): a running run of another host cannot be checked by pid. */
  host?: string;
}

/** One line of `events.jsonl`. */
export type RunEvent =
  | ({ t: number; event: 'progress' } & ProgressEvent)
  | ({ t: number; event: 'metric' } & MetricEvent)
  | { t: number; event: 'log'; level: LogLevel; message: string }
  | ({ t: number; event: 'artifact' } & ArtifactEvent);

export const RUN_FILE = 'run.json';
export const EVENTS_FILE = 'events.jsonl';

function stamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/** Claims a fresh run folder; mkdir without `recursive` fails when it exists, so two jobs never share one. */
function claimRunFolder(runsRoot: string, kind: JobKind, now: Date): { id: string; dir: string } {
  fs.mkdirSync(runsRoot, { recursive: true });
  const base = `${stamp(now)}-${kind}`;
  for (let attempt = 1; attempt < 1000; attempt++) {
    const id = attempt === 1 ? base : `${base}-${attempt}`;
    const dir = path.join(runsRoot, id);
    try {
      fs.mkdirSync(dir);
      return { id, dir };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`${runsRoot}: could not claim a run folder for ${base}`);
}

/** A run folder being written by a job. */
export class RunFolder {
  readonly record: RunRecord;
  private readonly eventsFd: number;
  private finished = false;

  private constructor(readonly dir: string, record: RunRecord) {
    this.record = record;
    this.eventsFd = fs.openSync(path.join(dir, EVENTS_FILE), 'a');
    this.save();
  }

  static create(runsRoot: string, kind: JobKind, meta: { experiment?: string; name?: string; config?: unknown; overrides?: Record<string, number> }): RunFolder {
    const now = new Date();
    const { id, dir } = claimRunFolder(runsRoot, kind, now);
    acquireRunLock(dir);
    return new RunFolder(dir, { id, kind, status: 'running', ...meta, startedAt: now.toISOString(), pid: process.pid, timings: {} });
  }

  /** Reopens an existing run (resume) once no live process holds it: status goes back to running, events append. */
  static reopen(dir: string): RunFolder {
    acquireRunLock(dir);
    const record = JSON.parse(fs.readFileSync(path.join(dir, RUN_FILE), 'utf8')) as RunRecord;
    return new RunFolder(dir, { ...record, status: 'running', pid: process.pid, error: undefined, finishedAt: undefined });
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** The label and note may be edited on disk while the job runs (from the editor or the CLI): keep them. */
  save(): void {
    const onDisk = readRunJsonRaw(this.dir);
    if (onDisk) {
      this.record.label = typeof onDisk.label === 'string' ? onDisk.label : undefined;
      this.record.note = typeof onDisk.note === 'string' ? onDisk.note : undefined;
    }
    writeFileAtomic(path.join(this.dir, RUN_FILE), JSON.stringify(this.record, null, 2) + '\n');
  }

  append(event: RunEvent): void {
    fs.writeSync(this.eventsFd, JSON.stringify(event) + '\n');
  }

  finish(status: Exclude<RunStatus, 'running'>, error?: string): void {
    if (this.finished) return;
    this.finished = true;
    this.record.status = status;
    this.record.finishedAt = new Date().toISOString();
    if (error !== undefined) this.record.error = error;
    try {
      this.save();
    } finally {
      // On a full disk run.json keeps its last saved state ("running" by a process that is gone: read as failed).
      fs.closeSync(this.eventsFd);
      releaseRunLock(this.dir);
    }
  }

  /** A JobContext that records every event here and forwards it to `outer`. */
  context(outer: JobReporter, signal: AbortSignal): JobContext {
    const now = () => Date.now();
    return {
      signal,
      progress: (e: ProgressEvent) => { this.append({ t: now(), event: 'progress', ...e }); outer.progress(e); },
      metric: (e: MetricEvent) => { this.append({ t: now(), event: 'metric', ...e }); outer.metric(e); },
      log: (level: LogLevel, message: string) => { this.append({ t: now(), event: 'log', level, message }); outer.log(level, message); },
      artifact: (e: ArtifactEvent) => { this.append({ t: now(), event: 'artifact', ...e }); outer.artifact(e); },
    };
  }
}

/** Runs `job` inside a run folder: success, cancellation and failure all end in a saved run.json. */
export async function withRunFolder<T>(
  run: RunFolder,
  outer: JobReporter,
  signal: AbortSignal,
  job: (ctx: JobContext, run: RunFolder) => Promise<T>,
): Promise<T> {
  const started = Date.now();
  try {
    const result = await job(run.context(outer, signal), run);
    run.record.timings.totalSeconds = (Date.now() - started) / 1000;
    run.finish('succeeded');
    return result;
  } catch (error) {
    run.record.timings.totalSeconds = (Date.now() - started) / 1000;
    if (error instanceof JobCancelledError) run.finish('cancelled', 'cancelled by the user');
    else run.finish('failed', userMessage(error));
    throw error;
  }
}

function readRunJsonRaw(dir: string): Partial<RunRecord> | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, RUN_FILE), 'utf8')) as Partial<RunRecord>;
  } catch {
    return undefined;
  }
}

/** Reads run.json; a run still marked running whose process is gone is reported as failed. */
export function readRunRecord(dir: string): RunRecord | undefined {
  let record: RunRecord;
  try {
    record = JSON.parse(fs.readFileSync(path.join(dir, RUN_FILE), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
  if (record.status === 'running' && !runsElsewhere(record) && !processAlive(record.pid)) {
    return { ...record, status: 'failed', error: record.error ?? `the process (pid ${record.pid}) ended without finishing the run` };
  }
  return record;
}

/** True for a run written on another machine (its pid means nothing here). */
export function runsElsewhere(record: RunRecord): boolean {
  return record.host !== undefined && record.host !== os.hostname();
}

/** Reads events.jsonl, skipping a torn last line (a killed writer). */
export function readRunEvents(dir: string): RunEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, EVENTS_FILE), 'utf8');
  } catch {
    return [];
  }
  const events: RunEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      // A torn final line from a killed process: keep everything before it.
    }
  }
  return events;
}

/** Default runs folder for an experiment: `.smoe/runs` beside the experiment file. */
export function defaultRunsRoot(experimentDir: string): string {
  return path.join(experimentDir, '.smoe', 'runs');
}
