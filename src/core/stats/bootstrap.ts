// Paired bootstrap of a difference between two configurations measured on the same seeds and test examples.
import { percentile } from '../algo/percentile';
import { SeededRandom } from '../data/random';

/**
 * One task's per-example values of both configurations: `a[s][e]` is configuration A's value (e.g. 1/0 for a
 * correct answer) on seed s and test example e; `b` has the same shape (same seeds, same examples, same order).
 */
export interface PairedTask {
  a: readonly (readonly number[])[];
  b: readonly (readonly number[])[];
}

export interface PairedBootstrapOptions {
  replicates?: number;
  level?: number;
  /** Seed of the resampling, so the interval is reproducible. */
  seed?: number;
}

export interface PairedDifference {
  /** Observed mean over tasks of the mean difference A − B. */
  estimate: number;
  low: number;
  high: number;
  /** True when the interval lies entirely above or entirely below 0. */
  excludesZero: boolean;
  level: number;
  replicates: number;
  seed: number;
  seeds: number;
  examples: number[];
}

export const DEFAULT_REPLICATES = 2000;
export const DEFAULT_BOOTSTRAP_SEED = 20260;

/** d[s][e] = a − b per task, after checking both sides have the same seeds and examples. */
function differences(tasks: readonly PairedTask[]): number[][][] {
  if (tasks.length === 0) throw new RangeError('a paired comparison needs at least one task');
  const seeds = tasks[0].a.length;
  return tasks.map((task, t) => {
    if (task.a.length !== seeds || task.b.length !== seeds || seeds === 0) throw new RangeError(`task ${t}: both sides need the same ${seeds} seed(s)`);
    const examples = task.a[0].length;
    return task.a.map((row, s) => {
      if (row.length !== examples || task.b[s].length !== examples || examples === 0) throw new RangeError(`task ${t}, seed ${s}: both sides need the same ${examples} test example(s)`);
      return row.map((v, e) => v - task.b[s][e]);
    });
  });
}

function meanOfIndices(values: readonly number[], indices: readonly number[]): number {
  let sum = 0;
  for (const i of indices) sum += values[i];
  return sum / indices.length;
}

/** The statistic on one resample: mean over tasks of the mean over drawn seeds of the mean over drawn examples. */
function resampledStatistic(d: readonly number[][][], seedDraw: readonly number[], exampleDraws: readonly number[][]): number {
  let total = 0;
  d.forEach((task, t) => {
    let perSeed = 0;
    for (const s of seedDraw) perSeed += meanOfIndices(task[s], exampleDraws[t]);
    total += perSeed / seedDraw.length;
  });
  return total / d.length;
}

function draws(random: SeededRandom, n: number): number[] {
  return Array.from({ length: n }, () => random.below(n));
}

/**
 * Two-way paired bootstrap: each replicate draws the seeds with replacement, and per task the test examples with
 * replacement (the same examples for every seed and both configurations, which is what pairs them); the interval
 * is the percentile interval of the replicates (numpy's linear percentile). Deterministic for a given `seed`.
 */
export function pairedBootstrap(tasks: readonly PairedTask[], options: PairedBootstrapOptions = {}): PairedDifference {
  const replicates = options.replicates ?? DEFAULT_REPLICATES;
  const level = options.level ?? 0.95;
  const seed = options.seed ?? DEFAULT_BOOTSTRAP_SEED;
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level ${level} must be inside (0, 1)`);
  if (!(replicates >= 1)) throw new RangeError(`${replicates} bootstrap replicates: need at least 1`);
  const d = differences(tasks);
  const seeds = d[0].length;
  const examples = d.map((task) => task[0].length);
  const all = Array.from({ length: seeds }, (_, s) => s);
  const estimate = resampledStatistic(d, all, examples.map((n) => Array.from({ length: n }, (_, e) => e)));
  const random = new SeededRandom(seed);
  const stats: number[] = [];
  for (let r = 0; r < replicates; r++) {
    const seedDraw = draws(random, seeds);
    stats.push(resampledStatistic(d, seedDraw, examples.map((n) => draws(random, n))));
  }
  const low = percentile(stats, (100 * (1 - level)) / 2);
  const high = percentile(stats, (100 * (1 + level)) / 2);
  return { estimate, low, high, excludesZero: low > 0 || high < 0, level, replicates, seed, seeds, examples };
}
