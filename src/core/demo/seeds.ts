// Across training seeds: mean scores, mean ± t-intervals, and paired comparisons of the vote with the baselines.
import { ACCURACY_POINTS, compareSeeded, describeDifference, LOSS_DIFFERENCE, meanInterval, meanOf, type SeededExamples } from '../stats';
import { AVERAGE, type DemoComparison, type ScoreInterval, type SeedResult, type TaskScore, type VariantId } from './results';

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

const SHORT: Record<VariantId, string> = { base: 'base', vote: 'vote', uniform: 'uniform', lora: 'plain LoRA' };

/** `a` against `b` on their common seeds and test examples, with the plain-language lines. */
export function pairedComparison(a: VariantId, b: VariantId, runs: Partial<Record<VariantId, SeededExamples[]>>, tasks: readonly string[]): DemoComparison | undefined {
  const compared = compareSeeded(runs[a] ?? [], runs[b] ?? [], tasks);
  if (!compared) return undefined;
  const { accuracy, loss } = compared;
  const lines = [`accuracy: ${describeDifference(SHORT[a], SHORT[b], accuracy, ACCURACY_POINTS)}`, `held-out loss: ${describeDifference(SHORT[a], SHORT[b], loss, LOSS_DIFFERENCE)}`];
  return { a, b, accuracy, loss, lines };
}
