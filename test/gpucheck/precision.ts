// Agreement of a GPU provider's numbers with the CPU's: a mixed tolerance (absolute floor + relative), the worst
// offender named, and what the size of the disagreement says about the arithmetic the provider used.

/** |got - ref| <= abs + rel * |ref|, element by element. */
export interface Tolerance {
  rel: number;
  abs: number;
}

/**
 * GPU tolerances (issue 17): 1e-3 relative on sensitivities and on the first training losses. Sensitivities are
 * squared gradient norms spanning orders of magnitude, so their absolute floor is relative to the table's largest
 * value (set per table by `compareTables`); losses are O(1) and get a fixed small floor.
 */
export const GPU_TOLERANCE = {
  sensitivity: { rel: 1e-3, abs: 0 },
  /** Floor for tiny sensitivities, as a fraction of the table's largest value. */
  sensitivityFloor: 1e-6,
  loss: { rel: 1e-3, abs: 1e-6 },
} as const;

/**
 * Float32 reductions computed in another order agree to a few 1e-6 relative; TF32 or float16 anywhere in the path
 * shows as 1e-4 and beyond. The bands turn a measured worst relative error into a plain statement.
 */
export function arithmeticVerdict(worstRel: number): string {
  if (!Number.isFinite(worstRel)) return 'not comparable: a value is missing or not finite';
  if (worstRel <= 2e-5) return 'float32 agreement (differences only from summation order)';
  if (worstRel <= 1e-3) return 'within GPU tolerance, beyond float32 reordering: some arithmetic ran in reduced precision or a different algorithm';
  return 'out of tolerance: reduced precision (float16/TF32) or a wrong result somewhere in the graph';
}

export interface Agreement {
  /** Compared values. */
  count: number;
  /** Values outside the tolerance. */
  outside: number;
  worstRel: number;
  worstAbs: number;
  /** Name of the value with the largest relative error. */
  worst?: string;
  within: boolean;
  verdict: string;
}

/** Compares named values; a name missing on either side counts as outside the tolerance. */
export function compareValues(reference: ReadonlyMap<string, number>, candidate: ReadonlyMap<string, number>, tol: Tolerance): Agreement {
  let outside = 0;
  let worstRel = 0;
  let worstAbs = 0;
  let worst: string | undefined;
  const names = new Set([...reference.keys(), ...candidate.keys()]);
  for (const name of names) {
    const ref = reference.get(name);
    const got = candidate.get(name);
    const diff = ref === undefined || got === undefined || !Number.isFinite(got) ? Infinity : Math.abs(got - ref);
    const rel = diff === 0 ? 0 : diff / Math.max(Math.abs(ref ?? 0), Number.MIN_VALUE);
    if (!(diff <= tol.abs + tol.rel * Math.abs(ref ?? 0))) outside += 1;
    if (worst === undefined || rel > worstRel) {
      worstRel = rel;
      worst = name;
    }
    worstAbs = Math.max(worstAbs, diff);
  }
  return { count: names.size, outside, worstRel, worstAbs, worst, within: outside === 0, verdict: arithmeticVerdict(worstRel) };
}

/** Loss curves step by step (the first `steps` of each). */
export function compareSeries(reference: readonly number[], candidate: readonly number[], tol: Tolerance = GPU_TOLERANCE.loss, steps = reference.length): Agreement {
  const named = (values: readonly number[]) => new Map(values.slice(0, steps).map((v, i) => [`step ${i + 1}`, v]));
  return compareValues(named(reference), named(candidate), tol);
}

/** Sensitivity tables (task -> module -> value), with the absolute floor scaled to the reference's largest value. */
export function compareTables(
  reference: Record<string, Record<string, number>>,
  candidate: Record<string, Record<string, number>>,
  tol: Tolerance = GPU_TOLERANCE.sensitivity,
  floor: number = GPU_TOLERANCE.sensitivityFloor,
): Agreement {
  const flat = (table: Record<string, Record<string, number>>) =>
    new Map(Object.entries(table).flatMap(([task, values]) => Object.entries(values).map(([module, v]): [string, number] => [`${task}/${module}`, v])));
  const ref = flat(reference);
  const largest = Math.max(0, ...[...ref.values()].map(Math.abs));
  return compareValues(ref, flat(candidate), { rel: tol.rel, abs: Math.max(tol.abs, floor * largest) });
}
