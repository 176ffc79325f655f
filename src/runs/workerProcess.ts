// One background worker process running one job (src/protocol/worker.ts). No `vscode` here: unit tests drive it.
import { fork, type ChildProcess } from 'node:child_process';
import type { JobRequest } from '../core/jobs/requests';
import { isFromWorkerMessage, type FromWorkerMessage, type ToWorkerMessage } from '../protocol/worker';
import { describeExit, settleRunFolder } from './runSettle';
import { withAllocatorEnv } from '../core/engine/allocator';

export type WorkerOutcome =
  | { status: 'succeeded'; runDir?: string; summary?: Record<string, unknown> }
  | { status: 'cancelled'; runDir?: string; message?: string }
  | { status: 'failed'; runDir?: string; message: string };

export interface WorkerOptions {
  /** The worker bundle (dist/worker.js) or a test script speaking the same protocol. */
  script: string;
  /** How long Cancel waits for the job to stop by itself before the process is terminated. */
  cancelGraceMs: number;
  env?: NodeJS.ProcessEnv;
  /** Every message from the worker except the terminal ones, already validated. */
  onMessage(message: FromWorkerMessage): void;
  /** stdout/stderr lines and protocol problems, for the output channel. */
  onOutput(line: string): void;
}

/** After `done`/`failed` the worker exits by itself; one that lingers longer than this is killed. */
const LINGER_MS = 5000;
/** Between SIGTERM and SIGKILL. */
const TERMINATE_MS = 2000;

/** A forked worker: start it, watch it, cancel it politely then firmly; `finished` always settles. */
export class WorkerProcess {
  readonly finished: Promise<WorkerOutcome>;
  private child?: ChildProcess;
  private resolve!: (outcome: WorkerOutcome) => void;
  private terminal?: WorkerOutcome;
  private runDir?: string;
  private cancelRequested = false;
  private stopReason?: string;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly stderrTail: string[] = [];
  private settled = false;

  constructor(readonly jobId: string, private readonly request: JobRequest, private readonly options: WorkerOptions) {
    this.finished = new Promise((resolve) => { this.resolve = resolve; });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get currentRunDir(): string | undefined {
    return this.runDir;
  }

  start(): void {
    const child = fork(this.options.script, [], {
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // In VS Code's extension host process.execPath is Electron: run it as plain Node (as language clients do).
      // The C allocator returns onnxruntime's freed activations to the system (docs/memory.md): glibc reads it at start.
      env: withAllocatorEnv({ ...process.env, ELECTRON_RUN_AS_NODE: '1', ...this.options.env }),
    });
    this.child = child;
    child.on('message', (raw: unknown) => this.receive(raw));
    child.on('error', (error) => this.settle({ status: 'failed', message: `the background worker could not run (${error.message})` }));
    child.on('exit', (code, signal) => this.exited(code, signal));
    pipeLines(child.stdout, (line) => this.options.onOutput(line));
    pipeLines(child.stderr, (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 20) this.stderrTail.shift();
      this.options.onOutput(line);
    });
    this.send({ type: 'start', jobId: this.jobId, request: this.request });
  }

  /** Asks the job to stop at its next step; after the grace period the process is terminated. */
  cancel(): void {
    if (this.settled || this.cancelRequested) return;
    this.cancelRequested = true;
    this.send({ type: 'cancel', jobId: this.jobId });
    const seconds = Math.round(this.options.cancelGraceMs / 1000);
    this.later(this.options.cancelGraceMs, () => this.terminate(`it did not stop within ${seconds} s of Cancel`));
  }

  /** Stops the process now (extension shutdown, tests); the run is marked failed with `reason`. */
  kill(reason: string): void {
    if (this.settled) return;
    this.stopReason = reason;
    // Written now: on shutdown the exit event may never arrive.
    if (this.runDir) settleRunFolder(this.runDir, 'failed', describeExit(null, 'SIGKILL', reason), this.child?.pid);
    this.child?.kill('SIGKILL');
  }

  private terminate(reason: string): void {
    if (this.settled || !this.child) return;
    this.stopReason = reason;
    this.child.kill('SIGTERM');
    this.later(TERMINATE_MS, () => this.child?.kill('SIGKILL'));
  }

  private send(message: ToWorkerMessage): void {
    if (this.child?.connected) this.child.send(message);
  }

  private receive(raw: unknown): void {
    if (!isFromWorkerMessage(raw)) {
      this.options.onOutput(`ignored a malformed message from the worker: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    if (raw.jobId !== this.jobId) return;
    switch (raw.type) {
      case 'started':
        this.runDir = raw.runDir;
        this.options.onMessage(raw);
        return;
      case 'done':
        this.runDir = raw.runDir ?? this.runDir;
        this.terminal = raw.cancelled ? { status: 'cancelled', runDir: this.runDir } : { status: 'succeeded', runDir: this.runDir, summary: raw.summary };
        this.later(LINGER_MS, () => this.child?.kill('SIGKILL'));
        return;
      case 'failed':
        this.runDir = raw.runDir ?? this.runDir;
        this.terminal = { status: 'failed', runDir: this.runDir, message: raw.message };
        this.later(LINGER_MS, () => this.child?.kill('SIGKILL'));
        return;
      case 'progress':
      case 'metric':
      case 'log':
      case 'artifact':
        this.options.onMessage(raw);
        return;
      default: {
        const never: never = raw;
        void never;
      }
    }
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.terminal) {
      this.settle(this.terminal);
      return;
    }
    const detail = this.stopReason ?? lastMeaningfulLine(this.stderrTail);
    const reason = describeExit(code, signal, detail);
    const outcome: WorkerOutcome = this.cancelRequested
      ? { status: 'cancelled', runDir: this.runDir, message: `cancelled; ${reason}` }
      : { status: 'failed', runDir: this.runDir, message: reason };
    if (this.runDir) settleRunFolder(this.runDir, outcome.status === 'cancelled' ? 'cancelled' : 'failed', outcome.message ?? reason, this.child?.pid);
    this.settle(outcome);
  }

  private settle(outcome: WorkerOutcome): void {
    if (this.settled) return;
    this.settled = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.resolve(outcome);
  }

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(action, ms);
    timer.unref?.();
    this.timers.push(timer);
  }
}

function pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line.trimEnd());
  });
  stream.on('end', () => { if (pending.trim()) onLine(pending.trimEnd()); });
}

/** The last stderr line that says something (an uncaught error's message, not a stack frame). */
function lastMeaningfulLine(lines: readonly string[]): string | undefined {
  const candidates = lines.filter((line) => !/^\s+at /.test(line) && line.trim() !== '');
  const errorLine = [...candidates].reverse().find((line) => /error/i.test(line));
  return (errorLine ?? candidates.at(-1))?.trim().slice(0, 300);
}
