// Progress from the worker at most every PACE_MS: a small model trains hundreds of steps a second, and one IPC
// message per step kept the extension host busy enough to answer Cancel from the Experiments view seconds late.
// A new phase goes at once; the newest progress of a burst goes when the interval ends, and before the job ends.
import type { ProgressEvent } from '../core/runFolder/context';

export const PACE_MS = 50;

export class ProgressPace {
  private lastSent = -Infinity;
  private lastPhase: string | undefined;
  private pending: ProgressEvent | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly send: (progress: ProgressEvent) => void, private readonly intervalMs = PACE_MS, private readonly clock: () => number = Date.now) {}

  report(progress: ProgressEvent): void {
    const wait = this.lastSent + this.intervalMs - this.clock();
    if (progress.phase !== this.lastPhase || wait <= 0) {
      this.emit(progress);
      return;
    }
    this.pending = progress;
    this.timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Sends what is waiting (before the job's last message, so the final step is shown). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.pending;
    if (pending) this.emit(pending);
  }

  private emit(progress: ProgressEvent): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    this.lastSent = this.clock();
    this.lastPhase = progress.phase;
    this.send(progress);
  }
}
