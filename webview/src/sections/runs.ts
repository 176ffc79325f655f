// Runs: every run of the experiment with its label, key parameters and result; click a header to sort, a row to open it.
import type { RunRowView } from '../../../src/protocol/webview';
import { byId, el, replaceChildren } from '../dom';
import { post } from '../vscodeApi';

interface Column {
  key: string;
  title: string;
  text: (r: RunRowView) => string;
  /** What the column sorts by when it is not the text (the ISO time for the date). */
  sortKey?: (r: RunRowView) => string | number;
}

/** Leading number of a result ("loss 2.281" → 2.281, "avg acc 63.5%" → 63.5) so results sort numerically. */
const leadingNumber = (text: string | undefined) => {
  const match = /-?\d+(\.\d+)?/.exec(text ?? '');
  return match ? Number(match[0]) : Number.NEGATIVE_INFINITY;
};

/** The run (a sticky column) and its short key columns first: at narrow widths they stay in view, the rest scrolls. */
const COLUMNS: Column[] = [
  { key: 'run', title: 'Run', text: (r) => r.label ?? r.id },
  { key: 'kind', title: 'Kind', text: (r) => r.kind },
  { key: 'status', title: 'Status', text: (r) => r.status },
  { key: 'result', title: 'Result', text: (r) => r.keyFigure ?? '', sortKey: (r) => leadingNumber(r.keyFigure) },
  { key: 'started', title: 'Started', text: (r) => r.started, sortKey: (r) => r.startedAt },
  { key: 'params', title: 'Parameters', text: (r) => [r.params, r.overrides && `(overridden: ${r.overrides})`].filter(Boolean).join(' ') },
  { key: 'note', title: 'Note', text: (r) => r.note ?? '' },
];

let sort = { key: 'started', descending: true };
let shown: readonly RunRowView[] = [];

export function runsSection(): HTMLElement {
  return el('section', { id: 'section-runs', class: 'section' },
    el('h2', {}, 'Runs'),
    el('p', { class: 'caption' }, 'Click a column header to sort; click a run to open it.'),
    el('div', { class: 'table-box' }, el('table', { id: 'runs-table' })),
  );
}

function sorted(runs: readonly RunRowView[]): RunRowView[] {
  const column = COLUMNS.find((c) => c.key === sort.key) ?? COLUMNS[0];
  const key = column.sortKey ?? column.text;
  const direction = sort.descending ? -1 : 1;
  return [...runs].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return direction * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)));
  });
}

function headerCell(column: Column): HTMLElement {
  const active = sort.key === column.key;
  const th = el('th', { scope: 'col', class: `sortable col-${column.key}`, tabindex: '0', 'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : 'none', 'data-key': column.key },
    column.title, active ? (sort.descending ? ' ▾' : ' ▴') : '');
  const toggle = () => {
    sort = { key: column.key, descending: active ? !sort.descending : column.key === 'started' };
    renderRuns(shown);
  };
  th.addEventListener('click', toggle);
  th.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); } });
  return th;
}

function rowOf(run: RunRowView): HTMLTableRowElement {
  const tr = el('tr', { class: `status-${run.status} clickable`, tabindex: '0', 'data-run': run.id, title: [run.id, run.error && `error: ${run.error}`].filter(Boolean).join('\n') },
    ...COLUMNS.map((c) => el('td', { class: `col-${c.key}${c.key === 'run' ? ' mono' : ''}` }, c.text(run))));
  const open = () => post({ type: 'openRun', runId: run.id });
  tr.addEventListener('click', open);
  tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
  return tr;
}

export function renderRuns(runs: readonly RunRowView[]): void {
  shown = runs;
  byId('section-runs').classList.toggle('is-empty', runs.length === 0);
  replaceChildren(byId('runs-table'), el('thead', {}, el('tr', {}, ...COLUMNS.map(headerCell))), el('tbody', {}, ...sorted(runs).map(rowOf)));
}
