// Mean ± a t-interval across seeds: how far the mean of a few runs can be trusted.
import { studentTQuantile } from './tDistribution';

export interface MeanInterval {
  mean: number;
  /** Half the width of the interval; null with fewer than two values (no spread to measure). */
  halfWidth: number | null;
  low: number | null;
  high: number | null;
  /** Sample standard deviation (n - 1); null with fewer than two values. */
  sd: number | null;
  n: number;
  level: number;
}

export function meanOf(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('mean of no values');
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample standard deviation (Bessel-corrected), as numpy's std(ddof=1). */
export function sampleSd(values: readonly number[]): number {
  if (values.length < 2) throw new RangeError('a standard deviation needs at least two values');
  const mean = meanOf(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
}

/** mean ± t_{(1+level)/2, n-1} · s / √n (scipy.stats.t.interval with scale = sem). */
export function meanInterval(values: readonly number[], level = 0.95): MeanInterval {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level ${level} must be inside (0, 1)`);
  const mean = meanOf(values);
  const n = values.length;
  if (n < 2) return { mean, halfWidth: null, low: null, high: null, sd: null, n, level };
  const sd = sampleSd(values);
  const halfWidth = studentTQuantile((1 + level) / 2, n - 1) * sd / Math.sqrt(n);
  return { mean, halfWidth, low: mean - halfWidth, high: mean + halfWidth, sd, n, level };
}
