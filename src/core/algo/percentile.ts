/**
 * numpy.percentile(values, q) with the default "linear" method, bit for bit: virtual index (n - 1) * (q / 100),
 * and numpy's two-sided lerp (from the upper neighbour when the fraction is >= 0.5). The authors' thresholds are
 * computed this way, so the conformance map depends on every last bit.
 */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile ${q} is outside [0, 100]`);
  const sorted = Float64Array.from(values).sort();
  if (Number.isNaN(sorted[sorted.length - 1])) return Number.NaN;
  const n = sorted.length;
  const virtual = (n - 1) * (q / 100);
  if (virtual >= n - 1) return sorted[n - 1];
  const below = Math.floor(virtual);
  const gamma = virtual - below;
  const a = sorted[below];
  const b = sorted[below + 1];
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}
