// The "LoRA-SMoE" output channel: job starts and ends, the worker's log lines and its stdout/stderr.
import * as vscode from 'vscode';
import { describePlacement } from '../core/engine/placement';
import type { JobEvent, JobManager } from './jobManager';
import { outcomeText } from './progressNotifications';

export class JobOutputLog implements vscode.Disposable {
  private readonly subscription: { dispose(): void };
  /** Jobs whose first warning was already shown as a notification (e.g. the CUDA → CPU fallback). */
  private readonly warnedJobs = new Set<string>();
  /** Warning texts already shown this session: the same one (CPU because CUDA is absent) is not repeated for every job. */
  private readonly shownWarnings = new Set<string>();

  constructor(jobs: JobManager, readonly channel: vscode.LogOutputChannel) {
    this.subscription = jobs.onEvent((e) => this.write(e));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.subscription.dispose();
    this.channel.dispose();
  }

  private write(event: JobEvent): void {
    const tag = `[${event.job.request.kind} ${event.job.id}]`;
    switch (event.type) {
      case 'queued':
        this.channel.info(`${tag} queued: ${event.job.label}`);
        return;
      case 'started':
        this.channel.info(`${tag} started in worker pid ${event.job.pid ?? '?'}`);
        return;
      case 'runDir':
        this.channel.info(`${tag} run folder ${event.job.runDir}`);
        return;
      case 'log':
        this.logAt(event.level, `${tag} ${event.message}`);
        if (event.level === 'warn') this.notifyFirstWarning(event.job.id, event.message);
        return;
      case 'output':
        this.channel.info(`${tag} worker: ${event.line}`);
        return;
      case 'artifact':
        this.channel.info(`${tag} wrote ${event.artifact.path}`);
        return;
      case 'finished':
        if (event.job.outcome) this.logAt(event.job.outcome.status === 'failed' ? 'error' : 'info', `${tag} ${outcomeText(event.job, event.job.outcome)}`);
        return;
      case 'metric':
        if (event.metric.type === 'placement') this.channel.info(`${tag} ${describePlacement(event.metric)}`);
        return;
      case 'progress':
        return;
      default: {
        const never: never = event;
        void never;
      }
    }
  }

  /**
   * Warnings matter (a device fallback, skipped data lines): the first of each job is shown, the rest are in the log,
   * and a text already shown this session is not shown again.
   */
  private notifyFirstWarning(jobId: string, message: string): void {
    if (this.warnedJobs.has(jobId) || this.shownWarnings.has(message)) return;
    this.warnedJobs.add(jobId);
    this.shownWarnings.add(message);
    void vscode.window.showWarningMessage(`LoRA-SMoE: ${message}`, 'Show Logs').then((choice) => {
      if (choice === 'Show Logs') this.show();
    });
  }

  private logAt(level: 'info' | 'warn' | 'error', line: string): void {
    if (level === 'error') this.channel.error(line);
    else if (level === 'warn') this.channel.warn(line);
    else this.channel.info(line);
  }
}
