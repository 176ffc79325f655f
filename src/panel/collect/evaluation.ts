// eval.json of evaluation runs → one table: base model and adapters × per-task accuracy and loss, best per column. Pure.
import type { EvalReport } from '../../core/train/evalReport';
import type { EvaluationRowView, EvaluationView } from '../../protocol/webview';

export interface EvaluationRunInput {
  id: string;
  report: EvalReport;
}

export const AVERAGE_COLUMN = 'average';

const baseName = (p: string) => p.split(/[\\/]/).filter(Boolean).at(-1) ?? p;

function rowOf(run: EvaluationRunInput, tasks: readonly string[]): EvaluationRowView {
  const { report } = run;
  const accuracy: Record<string, number | null> = {};
  const loss: Record<string, number | null> = {};
  for (const task of tasks) {
    accuracy[task] = report.tasks[task]?.accuracy ?? null;
    loss[task] = report.tasks[task] && Number.isFinite(report.tasks[task].loss) ? report.tasks[task].loss : null;
  }
  accuracy[AVERAGE_COLUMN] = report.average.accuracy;
  loss[AVERAGE_COLUMN] = Number.isFinite(report.average.loss) ? report.average.loss : null;
  const base = report.adapter === null;
  return { runId: run.id, label: base ? `base model (${run.id})` : `adapter ${baseName(report.adapter as string)}`, base, accuracy, loss };
}

/** Index of the best non-null value of `column` (first on ties); absent when no row has one. */
function bestIndex(rows: readonly EvaluationRowView[], pickValue: (row: EvaluationRowView) => number | null, better: (a: number, b: number) => boolean): number | undefined {
  let best: number | undefined;
  rows.forEach((row, i) => {
    const value = pickValue(row);
    if (value === null) return;
    if (best === undefined || better(value, pickValue(rows[best]) as number)) best = i;
  });
  return best;
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
