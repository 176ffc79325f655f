// Comparison: the configurations of sweeps and of evaluated runs outside sweeps side by side (only the parameters that
// differ), mean ± 95% CI across seeds, paired differences against a chosen baseline, the Pareto chart and CSV export.
// Sort, filter and baseline are kept in the webview state, so they survive a reload.
import type { ComparisonRowView, ComparisonUiState, ComparisonView, DifferenceCell } from '../../../src/protocol/comparison';
import { byId, el, formatCount, replaceChildren } from '../dom';
import { comparisonState, post, rememberComparison } from '../vscodeApi';
import { drawPareto } from './comparisonChart';

interface Column {
  key: string;
  title: string;
  text: (r: ComparisonRowView) => string;
  sortKey: (r: ComparisonRowView) => string | number;
  className?: string;
}

const DEFAULT_STATE: ComparisonUiState = { sortKey: 'accuracy', descending: true, filter: '' };
let state: ComparisonUiState = { ...DEFAULT_STATE, ...comparisonState() };
let shown: ComparisonView | undefined;
let sentBaseline = false;

const number = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v);
const diffText = (d: DifferenceCell | undefined) => (d ? `${d.text}${d.verdict === 'within noise' ? '' : ` ${d.verdict}`}` : '');

function columnsOf(view: ComparisonView): Column[] {
  return [
    { key: 'configuration', title: 'Configuration', text: (r) => r.configuration, sortKey: (r) => r.configuration, className: 'mono' },
    ...view.params.map((p): Column => ({ key: `param:${p}`, title: p, text: (r) => r.params[p], sortKey: (r) => r.params[p], className: 'param' })),
    { key: 'seeds', title: 'Seeds', text: (r) => r.seeds.join(', '), sortKey: (r) => r.seeds.length, className: 'number' },
    { key: 'params', title: 'Trainable', text: (r) => (r.trainableParams === null ? '—' : formatCount(r.trainableParams)), sortKey: (r) => number(r.trainableParams), className: 'number' },
    { key: 'accuracy', title: 'Avg accuracy', text: (r) => r.accuracy.text, sortKey: (r) => number(r.accuracy.mean), className: 'number ci' },
    { key: 'loss', title: 'Avg loss', text: (r) => r.loss.text, sortKey: (r) => number(r.loss.mean), className: 'number ci' },
    ...view.tasks.map((t): Column => ({ key: `task:${t}`, title: `${t} acc`, text: (r) => r.tasks[t]?.text ?? '—', sortKey: (r) => number(r.tasks[t]?.mean), className: 'number ci' })),
    ...(view.baseline ? [
      { key: 'diffAccuracy', title: 'Δ accuracy (points)', text: (r: ComparisonRowView) => (r.id === view.baseline ? 'baseline' : diffText(r.difference?.accuracy)), sortKey: (r: ComparisonRowView) => number(r.difference?.accuracy.estimate), className: 'number diff' },
      { key: 'diffLoss', title: 'Δ loss', text: (r: ComparisonRowView) => (r.id === view.baseline ? 'baseline' : diffText(r.difference?.loss)), sortKey: (r: ComparisonRowView) => number(r.difference?.loss.estimate), className: 'number diff' },
    ] : []),
  ];
}

function setState(change: Partial<ComparisonUiState>): void {
  state = { ...state, ...change };
  rememberComparison(state);
}

export function comparisonSection(): HTMLElement {
  const filter = el('input', { id: 'comparison-filter', type: 'search', placeholder: 'Filter configurations', 'aria-label': 'Filter configurations', value: state.filter });
  filter.addEventListener('input', () => { setState({ filter: filter.value }); if (shown) renderRows(shown); });
  const baseline = el('select', { id: 'comparison-baseline', 'aria-label': 'Baseline' });
  baseline.addEventListener('change', () => {
    setState({ baseline: baseline.value || undefined });
    post({ type: 'comparisonBaseline', rowId: baseline.value || null });
  });
  const exportButton = el('button', { id: 'comparison-export', type: 'button', class: 'button' }, 'Export CSV');
  exportButton.addEventListener('click', () => post({ type: 'exportComparison', rowIds: visibleRows(shown).map((r) => r.id) }));
  return el('section', { id: 'section-comparison', class: 'section' },
    el('h2', {}, 'Comparison'),
    el('p', { class: 'caption' }, 'Configurations of every sweep, and of evaluated training runs outside sweeps (grouped by experiment file and configuration): mean ± 95% CI across seeds; only the parameters that differ are shown. Δ: paired-bootstrap 95% CI against the baseline on the common seeds and test examples; "better"/"worse" only where it excludes 0.'),
    el('div', { class: 'controls' }, el('label', {}, 'Filter ', filter), el('label', {}, 'Baseline ', baseline), exportButton),
    el('div', { class: 'table-box' }, el('table', { id: 'comparison-table' })),
    el('p', { id: 'comparison-note', class: 'caption' }),
    el('div', { class: 'chart-box' }, el('canvas', { id: 'comparison-pareto', 'aria-label': 'Average accuracy against trainable parameters' })),
    el('p', { class: 'empty' }, 'Nothing to compare yet: evaluate trained runs (with several seeds for confidence intervals), or add a "sweep" section to an experiment file and run "LoRA-SMoE: Run Sweep".'),
  );
}

function visibleRows(view: ComparisonView | undefined): ComparisonRowView[] {
  if (!view) return [];
  const needle = state.filter.trim().toLowerCase();
  const columns = columnsOf(view);
  const rows = needle ? view.rows.filter((r) => columns.some((c) => c.text(r).toLowerCase().includes(needle))) : [...view.rows];
  const column = columns.find((c) => c.key === state.sortKey) ?? columns.find((c) => c.key === 'accuracy') as Column;
  const direction = state.descending ? -1 : 1;
  return rows.sort((a, b) => {
    const x = column.sortKey(a);
    const y = column.sortKey(b);
    return direction * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)));
  });
}

function headerCell(view: ComparisonView, column: Column): HTMLElement {
  const active = state.sortKey === column.key;
  const th = el('th', { scope: 'col', class: 'sortable', tabindex: '0', 'data-key': column.key, 'aria-sort': active ? (state.descending ? 'descending' : 'ascending') : 'none' },
    column.title, active ? (state.descending ? ' ▾' : ' ▴') : '');
  const toggle = () => {
    setState({ sortKey: column.key, descending: active ? !state.descending : typeof column.sortKey(view.rows[0]) === 'number' });
    renderRows(view);
  };
  th.addEventListener('click', toggle);
  th.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); } });
  return th;
}

function rowOf(view: ComparisonView, columns: Column[], r: ComparisonRowView): HTMLTableRowElement {
  const classes = [r.id === view.baseline ? 'baseline' : '', r.pareto ? 'pareto' : ''].filter(Boolean).join(' ');
  return el('tr', { class: classes, 'data-row': r.id, title: `${r.id}${r.pareto ? '\nPareto-optimal: no configuration is as accurate with fewer trainable parameters' : ''}` },
    ...columns.map((c) => {
      const verdict = c.key === 'diffAccuracy' ? r.difference?.accuracy.verdict : c.key === 'diffLoss' ? r.difference?.loss.verdict : undefined;
      return el('td', { class: [c.className ?? '', verdict && verdict !== 'within noise' ? `verdict-${verdict}` : ''].join(' ').trim() }, c.text(r));
    }));
}

function renderRows(view: ComparisonView): void {
  const columns = columnsOf(view);
  const rows = visibleRows(view);
  replaceChildren(byId('comparison-table'), el('thead', {}, el('tr', {}, ...columns.map((c) => headerCell(view, c)))), el('tbody', {}, ...rows.map((r) => rowOf(view, columns, r))));
  drawPareto(byId<HTMLCanvasElement>('comparison-pareto'), rows);
}

function renderBaseline(view: ComparisonView): void {
  const select = byId<HTMLSelectElement>('comparison-baseline');
  const where = (r: ComparisonRowView) => (['experiment', 'sweep'] as const).filter((p) => view.params.includes(p) && r.params[p] !== '—').map((p) => r.params[p]).join(', ');
  replaceChildren(select, el('option', { value: '' }, 'none'), ...view.rows.map((r) => el('option', { value: r.id }, `${r.configuration}${where(r) ? ` (${where(r)})` : ''}`)));
  select.value = view.baseline ?? '';
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function sourcesText(view: ComparisonView): string {
  const runs = view.experimentsWithRuns ? `the evaluated runs of ${plural(view.experimentsWithRuns, 'experiment file')}` : '';
  return [view.sweeps ? plural(view.sweeps, 'sweep') : '', runs].filter(Boolean).join(' and ');
}

export function renderComparison(view: ComparisonView | undefined): void {
  shown = view;
  byId('section-comparison').classList.toggle('is-empty', !view);
  if (!view) return;
  // A baseline kept from before a reload is handed back once; the extension answers with the differences.
  if (!sentBaseline && state.baseline && view.baseline !== state.baseline && view.rows.some((r) => r.id === state.baseline)) {
    sentBaseline = true;
    post({ type: 'comparisonBaseline', rowId: state.baseline });
  }
  renderBaseline(view);
  renderRows(view);
  byId('comparison-note').textContent = [`${view.rows.length} configurations from ${sourcesText(view)}.`, view.baselineNote].filter(Boolean).join(' ');
}
