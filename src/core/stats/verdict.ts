// Plain-language lines for comparisons: a mean with its interval, and a paired difference with its verdict.
import type { PairedDifference } from './bootstrap';
import type { MeanInterval } from './intervals';

export interface DifferenceFormat {
  /** Multiplies values before printing (100 for accuracy in percentage points). */
  scale: number;
  /** Printed after the numbers, e.g. ' points'. */
  unit: string;
  digits: number;
  higherIsBetter: boolean;
}

export const ACCURACY_POINTS: DifferenceFormat = { scale: 100, unit: ' points', digits: 1, higherIsBetter: true };
export const LOSS_DIFFERENCE: DifferenceFormat = { scale: 1, unit: '', digits: 3, higherIsBetter: false };

const signed = (x: number, f: DifferenceFormat) => `${x * f.scale >= 0 ? '+' : '−'}${Math.abs(x * f.scale).toFixed(f.digits)}`;

export type Verdict = 'better' | 'worse' | 'within noise';

/** Whether A is better or worse than B beyond noise (the interval excludes 0), given the metric's direction. */
export function verdictOf(d: PairedDifference, higherIsBetter: boolean): Verdict {
  if (!d.excludesZero) return 'within noise';
  return (d.estimate > 0) === higherIsBetter ? 'better' : 'worse';
}

/** e.g. "vote − uniform: +2.5 points (95% CI −1.3 to +6.2): within noise". */
export function describeDifference(a: string, b: string, d: PairedDifference, f: DifferenceFormat): string {
  const verdict = verdictOf(d, f.higherIsBetter);
  const said = verdict === 'within noise' ? 'no difference beyond noise' : `${a} is ${verdict} beyond noise`;
  return `${a} − ${b}: ${signed(d.estimate, f)}${f.unit} (${Math.round(d.level * 100)}% CI ${signed(d.low, f)} to ${signed(d.high, f)}): ${said}`;
}

/** "31.2±4.0%" (or "31.2%" without an interval); `scale`/`suffix` as for accuracy by default. */
export function formatMeanInterval(m: MeanInterval, digits = 1, scale = 100, suffix = '%'): string {
  const mean = (m.mean * scale).toFixed(digits);
  return m.halfWidth === null ? `${mean}${suffix}` : `${mean}±${(m.halfWidth * scale).toFixed(digits)}${suffix}`;
}
