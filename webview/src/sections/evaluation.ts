// Evaluation: base model vs adapters, per-task accuracy and loss, the best value of each column highlighted.
import type { EvaluationRowView, EvaluationView } from '../../../src/protocol/webview';
import { byId, el, replaceChildren } from '../dom';

const AVERAGE = 'average';

export function evaluationSection(): HTMLElement {
  return el('section', { id: 'section-evaluation', class: 'section' },
    el('h2', {}, 'Evaluation'),
    el('p', { class: 'caption' }, 'Accuracy: greedy generation, first answer match. Loss: mean token loss on the held-out examples. Best per column in bold (none where all rows tie); — where a run measured nothing.'),
    el('div', { class: 'table-box' }, el('table', { id: 'evaluation-table' })),
    el('p', { class: 'empty' }, 'No evaluation yet: run "Evaluate" on the base model and on trained adapters.'),
  );
}

function cell(value: number | null, best: boolean, format: (v: number) => string): HTMLTableCellElement {
  return el('td', { class: best ? 'number best' : 'number', ...(best ? { title: 'best in this column' } : {}) }, value === null ? '—' : format(value));
}

const percent = (v: number) => `${(100 * v).toFixed(1)}%`;
const lossText = (v: number) => v.toFixed(3);

/** Ties share the highlight: a cell is best when its value equals the best row's. */
function isBest(view: EvaluationView, pick: (row: EvaluationRowView) => number | null, bestRow: number | undefined, value: number | null): boolean {
  return bestRow !== undefined && value !== null && value === pick(view.rows[bestRow]);
}

/**
 * The average first, then the tasks, each with its accuracy and loss side by side: at narrow widths both averages
 * stay in view next to the sticky model column, where grouping by metric pushed the average loss behind a scroll.
 */
const columnsOf = (view: EvaluationView) => [AVERAGE, ...view.tasks];

function modelCell(r: EvaluationRowView): HTMLTableCellElement {
  const [model, evaluation] = r.label.split(' · ');
  return el('th', { scope: 'row', class: 'model', title: r.label }, el('span', { class: 'model-name' }, model), evaluation ? el('span', { class: 'model-run' }, evaluation) : undefined);
}

function row(view: EvaluationView, r: EvaluationRowView): HTMLTableRowElement {
  const columns = columnsOf(view);
  return el('tr', { class: r.base ? 'base' : '' },
    modelCell(r),
    ...columns.flatMap((c) => {
      const accuracy = cell(r.accuracy[c], isBest(view, (x) => x.accuracy[c], view.bestAccuracy[c], r.accuracy[c]), percent);
      accuracy.classList.add('group-start');
      return [accuracy, cell(r.loss[c], isBest(view, (x) => x.loss[c], view.bestLoss[c], r.loss[c]), lossText)];
    }),
  );
}

export function renderEvaluation(view: EvaluationView | undefined): void {
  byId('section-evaluation').classList.toggle('is-empty', !view);
  if (!view) return;
  const columns = columnsOf(view);
  const head = el('thead', {},
    el('tr', {}, el('th', { rowspan: '2', class: 'model' }, 'Model'), ...columns.map((c) => el('th', { colspan: '2', class: 'group-start' }, c))),
    el('tr', {}, ...columns.flatMap(() => [el('th', { class: 'number group-start', title: 'accuracy' }, 'acc'), el('th', { class: 'number', title: 'mean token loss' }, 'loss')])),
  );
  replaceChildren(byId('evaluation-table'), head, el('tbody', {}, ...view.rows.map((r) => row(view, r))));
}
