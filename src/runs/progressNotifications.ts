// A progress notification with Cancel for each running job: phase, step/total and ETA; a message when it ends.
import * as vscode from 'vscode';
import type { JobEvent, JobInfo, JobManager } from './jobManager';
import { progressPercent, progressText } from './progressState';
import { sweepProgress } from './sweepListing';
import type { WorkerOutcome } from './workerProcess';

interface Live {
  report(state: { message: string; increment?: number }): void;
  percent: number;
}

export class ProgressNotifications implements vscode.Disposable {
  private readonly live = new Map<string, Live>();
  private readonly subscription: { dispose(): void };

  constructor(private readonly jobs: JobManager, private readonly onFinished: (job: JobInfo) => void) {
    this.subscription = jobs.onEvent((e) => this.handle(e));
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private handle(event: JobEvent): void {
    switch (event.type) {
      case 'started':
        this.show(event.job);
        return;
      case 'progress':
        this.update(event.job);
        return;
      case 'finished':
        this.live.delete(event.job.id);
        this.onFinished(event.job);
        return;
      default:
        return;
    }
  }

  private show(job: JobInfo): void {
    const options = { location: vscode.ProgressLocation.Notification, title: `LoRA-SMoE: ${job.label}`, cancellable: true };
    void vscode.window.withProgress(options, (progress, token) => {
      this.live.set(job.id, { report: (s) => progress.report(s), percent: 0 });
      const cancel = token.onCancellationRequested(() => this.jobs.cancel(job.id));
      const finished = this.jobs.whenFinished(job.id) ?? Promise.resolve(undefined);
      return finished.finally(() => cancel.dispose());
    });
  }

  private update(job: JobInfo): void {
    const live = this.live.get(job.id);
    if (!live || !job.progress) return;
    // A sweep advances by finished runs (k of n); the phase text of the run it is on follows.
    const sweep = job.request.kind === 'sweep' && job.runDir ? sweepProgress(job.runDir) : undefined;
    const percent = sweep ? (100 * sweep.done) / Math.max(1, sweep.total) : progressPercent(job.progress);
    // Notifications take increments; a new phase starting over at 0 % cannot go back, so it only shows the text.
    const increment = percent > live.percent ? percent - live.percent : undefined;
    if (increment !== undefined) live.percent = percent;
    const prefix = sweep ? `${sweep.done} of ${sweep.total} runs finished · ` : '';
    live.report({ message: `${prefix}${progressText(job.progress)}`, increment });
  }
}

/** One line saying how a job ended, for the notification and the output channel. */
export function outcomeText(job: JobInfo, outcome: WorkerOutcome): string {
  switch (outcome.status) {
    case 'succeeded':
      return `${job.label} finished${outcome.runDir ? ` (${outcome.runDir})` : ''}`;
    case 'cancelled':
      return `${job.label} was cancelled${outcome.runDir ? `; partial results stay in ${outcome.runDir}` : ''}${outcome.message && outcome.message !== 'cancelled' ? ` (${outcome.message})` : ''}`;
    case 'failed':
      return `${job.label} failed: ${outcome.message}${outcome.runDir ? ` (run folder ${outcome.runDir})` : ''}`;
    default: {
      const never: never = outcome;
      return String(never);
    }
  }
}
