/** At most `max` indices of `length`, evenly spread, always keeping the first and the last. */
export function sampleIndices(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  const stride = (length - 1) / (max - 1);
  const picked = Array.from({ length: max }, (_, i) => Math.round(i * stride));
  return [...new Set(picked)];
}

export function pick<T>(values: readonly T[], indices: readonly number[]): T[] {
  return indices.map((i) => values[i]);
}
