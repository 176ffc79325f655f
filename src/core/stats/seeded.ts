// Pairs two configurations' per-example results on their common seeds for the paired bootstrap.
import { pairedBootstrap, type PairedDifference, type PairedTask } from './bootstrap';

/** Per task, per test example: 1/0 correct and the mean token loss (eval.json's perExample). */
export type PerExample = Record<string, { correct: number[]; loss: number[] }>;

export interface SeededExamples {
  seed: number;
  perExample: PerExample;
}

function pairedTasks(a: readonly SeededExamples[], b: readonly SeededExamples[], tasks: readonly string[], field: 'correct' | 'loss'): PairedTask[] {
  const common = a.flatMap((x) => {
    const y = b.find((other) => other.seed === x.seed);
    return y ? [[x, y] as const] : [];
  });
  return tasks.map((task) => ({ a: common.map(([x]) => x.perExample[task]?.[field] ?? []), b: common.map(([, y]) => y.perExample[task]?.[field] ?? []) }));
}

/**
 * A − B on their common seeds and the same test examples: paired-bootstrap differences of the average accuracy
 * and of the average per-example loss. Undefined when they share no seed or their test examples differ.
 */
export function compareSeeded(a: readonly SeededExamples[], b: readonly SeededExamples[], tasks: readonly string[]): { accuracy: PairedDifference; loss: PairedDifference } | undefined {
  try {
    return { accuracy: pairedBootstrap(pairedTasks(a, b, tasks, 'correct')), loss: pairedBootstrap(pairedTasks(a, b, tasks, 'loss')) };
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}
