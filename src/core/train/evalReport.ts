// eval.json: accuracy and held-out loss per task, their average, which adapter and model were evaluated.
import type { MetricEvent } from '../runFolder/context';

export interface TaskEvaluation {
  /**
   * Share of examples whose extracted answer equals the gold one; null when the test data has no answer text
   * (pre-tokenized records): accuracy is n/a there, the held-out loss still counts.
   */
  accuracy: number | null;
  /** Mean token loss over the scored tokens of the held-out examples. */
  loss: number;
  examples: number;
  correct: number;
  /**
   * Per test example, in test-file order: 1/0 for a correct answer (examples with a gold answer only) and the
   * mean token loss. Runs on the same test examples can then be compared example by example (paired bootstrap).
   */
  perExample?: { correct: number[]; loss: number[] };
}

export interface EvalReport {
  tasks: Record<string, TaskEvaluation>;
  /** Accuracy averages the tasks that have one (null when none has); loss averages every task. */
  average: { accuracy: number | null; loss: number; examples: number; correct: number };
  /** The training run (or exported adapter folder) evaluated; null for the base model alone. */
  adapter: string | null;
  model: string;
  maxNewTokens: number;
  createdAt: string;
}

/** One task's figures from per-example results; `correct` holds only the examples that have a gold answer. */
export function taskEvaluation(correct: readonly boolean[], losses: readonly { lossSum: number; tokens: number }[]): TaskEvaluation {
  const lossSum = losses.reduce((a, l) => a + l.lossSum, 0);
  const tokens = losses.reduce((a, l) => a + l.tokens, 0);
  const hits = correct.filter(Boolean).length;
  const perExample = { correct: correct.map((c) => (c ? 1 : 0)), loss: losses.map((l) => (l.tokens > 0 ? l.lossSum / l.tokens : 0)) };
  return { accuracy: correct.length > 0 ? hits / correct.length : null, loss: tokens > 0 ? lossSum / tokens : NaN, examples: losses.length, correct: hits, perExample };
}

function meanOf(values: readonly number[]): number | null {
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** The average row is the unweighted mean over tasks (as the paper's tables), counts are totals. */
export function evalReport(tasks: Record<string, TaskEvaluation>, adapter: string | null, model: string, maxNewTokens: number): EvalReport {
  const rows = Object.values(tasks);
  const accuracies = rows.map((t) => t.accuracy).filter((a): a is number => a !== null);
  return {
    tasks,
    average: {
      accuracy: meanOf(accuracies),
      loss: meanOf(rows.map((t) => t.loss)) ?? 0,
      examples: rows.reduce((a, t) => a + t.examples, 0),
      correct: rows.reduce((a, t) => a + t.correct, 0),
    },
    adapter,
    model,
    maxNewTokens,
    createdAt: new Date().toISOString(),
  };
}

/** The task's metric event; none for a task without an accuracy (its figures are in eval.json). */
export function evalTaskEvent(task: string, e: TaskEvaluation): MetricEvent | undefined {
  return e.accuracy === null ? undefined : { type: 'eval-task', task, accuracy: e.accuracy, loss: e.loss, examples: e.examples };
}

/**
 * Why an experiment cannot be evaluated (no task has a `test` file), naming the file, the field and the fix;
 * undefined when at least one task has test data. The editor asks this before it starts the job, the job again.
 */
export function nothingToEvaluate(file: string, tasks: readonly { name?: unknown; test?: unknown }[]): string | undefined {
  if (tasks.some((t) => typeof t.test === 'string' && t.test !== '')) return undefined;
  const count = tasks.length;
  return `${file}: nothing to evaluate — none of the ${count} task(s) has a test file (tasks[].test); add "test": "<held-out data file>" to a task`;
}
