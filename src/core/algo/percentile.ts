/**
 * numpy.percentile(values, q) with the default "linear" method, bit for bit: virtual index (n - 1) * (q / 100),
 * and numpy's two-sided lerp (from the upper neighbour when the fraction is >= 0.5). The authors' thresholds are
 * computed this way, so the conformance map depends on every last bit.
 */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile ${q} is outside [0, 100]`);
  return percentileOfSorted(Float64Array.from(values).sort(), q);
}

/** `percentile` of values already sorted ascending (a Float64Array sorts NaN last), for repeated thresholds. */
export function percentileOfSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(sorted[n - 1])) return Number.NaN;
  const virtual = (n - 1) * (q / 100);
  if (virtual >= n - 1) return sorted[n - 1];
  const below = Math.floor(virtual);
  const gamma = virtual - below;
  const a = sorted[below];
  const b = sorted[below + 1];
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}
