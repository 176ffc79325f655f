// Strategy what-if: strategy, budget, percentile and scope recompute the allocation at once; "Apply to file" writes it.
import { BUDGET_KINDS, SCOPES, STRATEGIES, type WhatIfChoice, type WhatIfView } from '../../../src/protocol/webview';
import { byId, custom, el, type ValueElement } from '../dom';
import { post } from '../vscodeApi';
import { allocationTotals, drawAllocation } from './allocationChart';

const DEBOUNCE_MS = 120;
const BUDGET_LABELS: Record<string, string> = { none: 'no budget', experts: 'total experts', params: 'trainable parameters', loraRank: 'plain-LoRA rank' };
let requestId = 0;
let timer: number | undefined;

function dropdown(id: string, label: string, values: readonly string[], labels: Record<string, string> = {}): HTMLElement {
  const control = custom('vscode-dropdown', { id, 'aria-label': label }, ...values.map((v) => custom('vscode-option', { value: v }, labels[v] ?? v)));
  control.addEventListener('change', () => schedule());
  return el('div', { class: 'field' }, el('label', { for: id }, label), control);
}

/** The label is the field's own slotted label: a <label for> outside cannot name the input inside its shadow root. */
function textField(id: string, label: string): HTMLElement {
  const control = custom('vscode-text-field', { id, size: '8' }, label);
  control.addEventListener('input', () => schedule());
  return el('div', { class: 'field' }, control);
}

export function whatIfSection(): HTMLElement {
  const apply = custom('vscode-button', { id: 'whatif-apply' }, 'Apply to file');
  apply.addEventListener('click', () => {
    const choice = readControls();
    if (choice) post({ type: 'applyAllocation', choice });
  });
  return el('section', { id: 'section-whatif', class: 'section' },
    el('h2', {}, 'Strategy what-if'),
    el('div', { class: 'controls', id: 'whatif-controls' },
      dropdown('whatif-strategy', 'Strategy', STRATEGIES),
      dropdown('whatif-budget-kind', 'Budget', BUDGET_KINDS, BUDGET_LABELS),
      textField('whatif-budget', 'Budget value'),
      textField('whatif-percentile', 'Percentile p'),
      dropdown('whatif-scope', 'Threshold scope', SCOPES),
      apply,
    ),
    el('p', { class: 'totals', id: 'whatif-total', 'aria-live': 'polite' }),
    el('p', { class: 'error', id: 'whatif-error', role: 'alert' }),
    el('div', { class: 'chart' }, el('canvas', { id: 'whatif-chart', 'aria-label': 'What-if allocation' })),
  );
}

const value = (id: string) => byId<ValueElement>(id).value;

function readControls(): WhatIfChoice | undefined {
  const budget = value('whatif-budget').trim();
  const percentile = Number(value('whatif-percentile'));
  const choice = {
    strategy: value('whatif-strategy'), budgetKind: value('whatif-budget-kind'), scope: value('whatif-scope'),
    percentile, budgetValue: budget === '' ? undefined : Number(budget),
  } as WhatIfChoice;
  const invalid = !Number.isFinite(percentile) || percentile < 0 || percentile > 100 ? 'Percentile p must be a number from 0 to 100.'
    : choice.budgetValue !== undefined && !(choice.budgetValue >= 0) ? 'The budget value must be a number ≥ 0 (or empty).' : undefined;
  byId('whatif-error').textContent = invalid ?? '';
  return invalid ? undefined : choice;
}

function schedule(): void {
  window.clearTimeout(timer);
  timer = window.setTimeout(() => {
    const choice = readControls();
    if (choice) post({ type: 'whatIf', requestId: ++requestId, choice });
  }, DEBOUNCE_MS);
}

function setControls(choice: WhatIfChoice): void {
  const focused = byId('whatif-controls').contains(document.activeElement);
  if (focused) return;
  byId<ValueElement>('whatif-strategy').value = choice.strategy;
  byId<ValueElement>('whatif-budget-kind').value = choice.budgetKind;
  byId<ValueElement>('whatif-budget').value = choice.budgetValue === undefined ? '' : String(choice.budgetValue);
  byId<ValueElement>('whatif-percentile').value = String(choice.percentile);
  byId<ValueElement>('whatif-scope').value = choice.scope;
}

function showResult(view: WhatIfView): void {
  byId('whatif-error').textContent = view.error ?? '';
  byId('whatif-total').textContent = view.result ? allocationTotals(view.result) : '';
  byId('section-whatif').classList.toggle('has-result', Boolean(view.result));
  if (view.result) drawAllocation(byId<HTMLCanvasElement>('whatif-chart'), view.result);
}

export function renderWhatIf(view: WhatIfView | undefined, fromSnapshot: boolean): void {
  byId('section-whatif').classList.toggle('is-empty', !view);
  if (!view) return;
  if (fromSnapshot) setControls(view.choice);
  showResult(view);
}

/** A whatIfResult: only the answer to the latest request is shown. */
export function renderWhatIfAnswer(id: number, view: WhatIfView): void {
  if (id === requestId) showResult(view);
}
