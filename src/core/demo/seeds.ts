// Across training seeds: mean scores, mean ± t-intervals, and paired comparisons of the vote with the baselines.
import { ACCURACY_POINTS, describeDifference, LOSS_DIFFERENCE, meanInterval, meanOf, pairedBootstrap, type PairedTask } from '../stats';
import { AVERAGE, type DemoComparison, type ScoreInterval, type SeedResult, type TaskScore, type VariantId } from './results';

/** Per task, per example: 1/0 correct and the mean token loss (eval.json's perExample). */
export type PerExample = Record<string, { correct: number[]; loss: number[] }>;

/** Per task: the mean accuracy and loss over the seeds that evaluated it. */
export function meanScores(seeds: readonly SeedResult[]): Record<string, TaskScore> {
  const out: Record<string, TaskScore> = {};
  const tasks = [...new Set(seeds.flatMap((s) => Object.keys(s.scores)))];
  for (const task of tasks) {
    const rows = seeds.flatMap((s) => (s.scores[task] ? [s.scores[task]] : []));
    out[task] = { accuracy: meanOf(rows.map((r) => r.accuracy)), loss: meanOf(rows.map((r) => r.loss)), examples: rows[0].examples };
  }
  return out;
}

/** Mean ± 95% t-interval across seeds, per task and for the unweighted average over tasks. */
export function scoreIntervals(seeds: readonly SeedResult[], tasks: readonly string[]): Record<string, ScoreInterval> {
  const complete = seeds.filter((s) => tasks.every((t) => s.scores[t]));
  const out: Record<string, ScoreInterval> = {};
  if (complete.length === 0) return out;
  for (const task of tasks) {
    out[task] = { accuracy: meanInterval(complete.map((s) => s.scores[task].accuracy)), loss: meanInterval(complete.map((s) => s.scores[task].loss)) };
  }
  const average = (pick: (score: TaskScore) => number) => complete.map((s) => meanOf(tasks.map((t) => pick(s.scores[t]))));
  out[AVERAGE] = { accuracy: meanInterval(average((s) => s.accuracy)), loss: meanInterval(average((s) => s.loss)) };
  return out;
}

export interface SeededExamples {
  seed: number;
  perExample: PerExample;
}

const SHORT: Record<VariantId, string> = { base: 'base', vote: 'vote', uniform: 'uniform', lora: 'plain LoRA' };

function pairedTasks(a: readonly SeededExamples[], b: readonly SeededExamples[], tasks: readonly string[], field: 'correct' | 'loss'): PairedTask[] {
  const common = a.filter((x) => b.some((y) => y.seed === x.seed)).map((x) => [x, b.find((y) => y.seed === x.seed) as SeededExamples]);
  return tasks.map((task) => ({
    a: common.map(([x]) => x.perExample[task]?.[field] ?? []),
    b: common.map(([, y]) => y.perExample[task]?.[field] ?? []),
  }));
}

/**
 * `a` against `b` on their common seeds and the same test examples: the paired-bootstrap difference of the average
 * accuracy and of the average per-example loss. Undefined when they share no seed or their examples differ.
 */
export function pairedComparison(a: VariantId, b: VariantId, runs: Partial<Record<VariantId, SeededExamples[]>>, tasks: readonly string[]): DemoComparison | undefined {
  const left = runs[a] ?? [];
  const right = runs[b] ?? [];
  try {
    const accuracy = pairedBootstrap(pairedTasks(left, right, tasks, 'correct'));
    const loss = pairedBootstrap(pairedTasks(left, right, tasks, 'loss'));
    const lines = [`accuracy: ${describeDifference(SHORT[a], SHORT[b], accuracy, ACCURACY_POINTS)}`, `held-out loss: ${describeDifference(SHORT[a], SHORT[b], loss, LOSS_DIFFERENCE)}`];
    return { a, b, accuracy, loss, lines };
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}
