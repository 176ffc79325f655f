// eval.json: accuracy and held-out loss per task, their average, which adapter and model were evaluated.
import type { MetricEvent } from '../jobs/context';

export interface TaskEvaluation {
  accuracy: number;
  /** Mean token loss over the scored tokens of the held-out examples. */
  loss: number;
  examples: number;
  correct: number;
}

export interface EvalReport {
  tasks: Record<string, TaskEvaluation>;
  average: { accuracy: number; loss: number; examples: number; correct: number };
  /** The training run (or exported adapter folder) evaluated; null for the base model alone. */
  adapter: string | null;
  model: string;
  maxNewTokens: number;
  createdAt: string;
}

/** One task's figures from per-example results. */
export function taskEvaluation(correct: readonly boolean[], losses: readonly { lossSum: number; tokens: number }[]): TaskEvaluation {
  const lossSum = losses.reduce((a, l) => a + l.lossSum, 0);
  const tokens = losses.reduce((a, l) => a + l.tokens, 0);
  const hits = correct.filter(Boolean).length;
  return { accuracy: correct.length > 0 ? hits / correct.length : 0, loss: tokens > 0 ? lossSum / tokens : NaN, examples: correct.length, correct: hits };
}

/** The average row is the unweighted mean over tasks (as the paper's tables), counts are totals. */
export function evalReport(tasks: Record<string, TaskEvaluation>, adapter: string | null, model: string, maxNewTokens: number): EvalReport {
  const rows = Object.values(tasks);
  const mean = (pick: (t: TaskEvaluation) => number) => (rows.length > 0 ? rows.reduce((a, t) => a + pick(t), 0) / rows.length : 0);
  return {
    tasks,
    average: { accuracy: mean((t) => t.accuracy), loss: mean((t) => t.loss), examples: rows.reduce((a, t) => a + t.examples, 0), correct: rows.reduce((a, t) => a + t.correct, 0) },
    adapter,
    model,
    maxNewTokens,
    createdAt: new Date().toISOString(),
  };
}

export function evalTaskEvent(task: string, e: TaskEvaluation): MetricEvent {
  return { type: 'eval-task', task, accuracy: e.accuracy, loss: e.loss, examples: e.examples };
}
