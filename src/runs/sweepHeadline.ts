// The one line a finished sweep's notification gives: the first paired difference, else the best configuration.
import type { SweepComparison } from '../core/jobs/sweepSummary';
import { formatMeanInterval } from '../core/stats';

export function sweepHeadline(comparison: SweepComparison | undefined): string {
  if (!comparison || comparison.configurations.length === 0) return 'No run finished, so there is nothing to compare.';
  const first = comparison.differences[0]?.lines[0];
  if (first) return `${first.replace(/^accuracy: /, 'Accuracy ')}.`;
  const best = [...comparison.configurations].sort((a, b) => b.accuracy.mean - a.accuracy.mean)[0];
  const others = comparison.configurations.length - 1;
  return `Best average accuracy: ${best.key} ${formatMeanInterval(best.accuracy)}${others > 0 ? ` (of ${comparison.configurations.length} configurations)` : ''}.`;
}
