import type { TrainingSettings } from '../experiment/types';

export type ScheduleSettings = Pick<TrainingSettings, 'learningRate' | 'warmupSteps' | 'schedule' | 'maxSteps'>;

/**
 * Learning rate of optimiser step `step` (0-based), as transformers' get_*_schedule_with_warmup:
 * linear warm-up from 0 over `warmupSteps`, then linear decay to 0 at `maxSteps`, half-cosine
 * decay to 0, or constant.
 */
export function learningRateAt(step: number, settings: ScheduleSettings): number {
  const { learningRate: peak, warmupSteps: warmup, maxSteps: total } = settings;
  if (step < warmup) return (peak * step) / Math.max(1, warmup);
  const decaySteps = Math.max(1, total - warmup);
  const progress = Math.min(1, (step - warmup) / decaySteps);
  switch (settings.schedule) {
    case 'constant': return peak;
    case 'linear': return peak * Math.max(0, 1 - progress);
    case 'cosine': return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
    default: {
      const never: never = settings.schedule;
      throw new Error(`training.schedule: unknown schedule "${String(never)}" (use linear, cosine or constant)`);
    }
  }
}
