// Progress of one job as the UI shows it: phase, step/total and an ETA measured from the start of the phase.
import type { ProgressEvent } from '../core/runFolder/context';
import { formatDuration } from '../core/runFolder/duration';

export interface ProgressState {
  phase: string;
  done: number;
  total: number;
  message?: string;
  /** Seconds left in this phase at the rate seen since it started; absent until there is a rate. */
  etaSeconds?: number;
}

interface PhaseStart {
  phase: string;
  done: number;
  at: number;
}

/** Folds progress events into a ProgressState; a new phase (or a counter that went back) restarts the rate. */
export class ProgressTracker {
  private start?: PhaseStart;
  private last?: ProgressState;

  update(event: ProgressEvent, now: number): ProgressState {
    if (!this.start || this.start.phase !== event.phase || event.done < (this.last?.done ?? 0)) {
      this.start = { phase: event.phase, done: event.done, at: now };
    }
    const state: ProgressState = { phase: event.phase, done: event.done, total: event.total, message: event.message };
    const eta = estimateEta(this.start, { done: event.done, at: now }, event.total);
    if (eta !== undefined) state.etaSeconds = eta;
    this.last = state;
    return state;
  }

  get current(): ProgressState | undefined {
    return this.last;
  }
}

/** Remaining seconds at the average rate between two samples; undefined without progress or time between them. */
export function estimateEta(from: { done: number; at: number }, to: { done: number; at: number }, total: number): number | undefined {
  const steps = to.done - from.done;
  const elapsed = (to.at - from.at) / 1000;
  if (steps <= 0 || elapsed <= 0 || total <= 0) return undefined;
  return Math.max(0, ((total - to.done) * elapsed) / steps);
}

export { formatDuration };

/** "train · 12/100 · ETA 1 min 05 s" (the notification's message line). */
export function progressText(state: ProgressState): string {
  const parts = [state.phase];
  if (state.total > 0) parts.push(`${state.done}/${state.total}`);
  if (state.message) parts.push(state.message);
  if (state.etaSeconds !== undefined && state.done < state.total) parts.push(`ETA ${formatDuration(state.etaSeconds)}`);
  return parts.join(' · ');
}

/** 0..100, for notification increments. */
export function progressPercent(state: ProgressState): number {
  return state.total > 0 ? Math.min(100, Math.max(0, (100 * state.done) / state.total)) : 0;
}
