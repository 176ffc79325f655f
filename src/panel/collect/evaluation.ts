// eval.json of evaluation runs → one table: base model and adapters × per-task accuracy and loss, best per column. Pure.
import type { EvalReport, TaskEvaluation } from '../../core/train/evalReport';
import type { EvaluationRowView, EvaluationView } from '../../protocol/webview';

export interface EvaluationRunInput {
  id: string;
  report: EvalReport;
}

export const AVERAGE_COLUMN = 'average';

const baseName = (p: string) => p.split(/[\\/]/).filter(Boolean).at(-1) ?? p;

/** A task's figure, or null when it measured nothing (no examples, or a non-finite loss): an empty cell never wins. */
function measured(task: TaskEvaluation | undefined, pick: (t: TaskEvaluation) => number | null): number | null {
  if (!task || task.examples === 0) return null;
  const value = pick(task);
  return value !== null && Number.isFinite(value) ? value : null;
}

/** "base model · eval <id>" or "adapter <training run> · eval <id>": base vs adapter, and which evaluation run. */
export function evaluationRowLabel(evaluationRunId: string, adapter: string | null): string {
  return `${adapter === null ? 'base model' : `adapter ${baseName(adapter)}`} · eval ${evaluationRunId}`;
}

function rowOf(run: EvaluationRunInput, tasks: readonly string[]): EvaluationRowView {
  const { report } = run;
  const accuracy: Record<string, number | null> = {};
  const loss: Record<string, number | null> = {};
  for (const task of tasks) {
    accuracy[task] = measured(report.tasks[task], (t) => t.accuracy);
    loss[task] = measured(report.tasks[task], (t) => t.loss);
  }
  accuracy[AVERAGE_COLUMN] = measured(report.average, (t) => t.accuracy);
  loss[AVERAGE_COLUMN] = measured(report.average, (t) => t.loss);
  const base = report.adapter === null;
  return { runId: run.id, label: evaluationRowLabel(run.id, report.adapter), base, adapterRun: base ? undefined : baseName(report.adapter as string), accuracy, loss };
}

/**
 * Index of the best value of a column (first on ties); absent when fewer than two rows have a value or all values
 * are equal — a "best" among equals (all 0.0 %) says nothing.
 */
function bestIndex(rows: readonly EvaluationRowView[], pickValue: (row: EvaluationRowView) => number | null, better: (a: number, b: number) => boolean): number | undefined {
  let best: number | undefined;
  const values = rows.map(pickValue);
  values.forEach((value, i) => {
    if (value === null) return;
    if (best === undefined || better(value, values[best] as number)) best = i;
  });
  const present = values.filter((v): v is number => v !== null);
  return present.length >= 2 && present.some((v) => v !== present[0]) ? best : undefined;
}

/** Rows: base-model evaluations first, then adapters, each oldest first (input is newest first, as runs are listed). */
export function collectEvaluation(runs: readonly EvaluationRunInput[]): EvaluationView | undefined {
  if (runs.length === 0) return undefined;
  const ordered = [...runs].reverse();
  const tasks = [...new Set(ordered.flatMap((r) => Object.keys(r.report.tasks)))];
  const rows = [...ordered.filter((r) => r.report.adapter === null), ...ordered.filter((r) => r.report.adapter !== null)].map((r) => rowOf(r, tasks));
  const bestAccuracy: Record<string, number> = {};
  const bestLoss: Record<string, number> = {};
  for (const column of [...tasks, AVERAGE_COLUMN]) {
    const acc = bestIndex(rows, (r) => r.accuracy[column], (a, b) => a > b);
    const loss = bestIndex(rows, (r) => r.loss[column], (a, b) => a < b);
    if (acc !== undefined) bestAccuracy[column] = acc;
    if (loss !== undefined) bestLoss[column] = loss;
  }
  return { tasks, rows, bestAccuracy, bestLoss };
}
