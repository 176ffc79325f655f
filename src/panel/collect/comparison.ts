// The comparison section, folded from sweeps' results and from each experiment's evaluated runs outside sweeps: one row
// per configuration of each source, only the parameters that differ, paired differences against the chosen baseline,
// the Pareto front, and the CSV of what is shown. Pure.
import type { ConfigurationResult, ConfigurationResults } from '../../core/jobs/sweepSummary';
import { compareSeeded, formatMeanInterval, verdictOf, type MeanInterval, type PairedDifference } from '../../core/stats';
import { COMPARISON_PARAMS, type ComparisonParam, type ComparisonRowView, type ComparisonView, type DifferenceCell, type IntervalCell } from '../../protocol/comparison';

/** One sweep run folder's results, or one experiment's evaluated runs outside sweeps, as the comparison reads them. */
export interface ComparisonSource {
  /** Unique among the sources: the sweep's run id, or the experiment's label for its runs outside sweeps. */
  id: string;
  /** The sweep's run id; absent for runs outside sweeps. */
  sweep?: string;
  /** The experiment file as the user knows it (workspace-relative). */
  experiment: string;
  results: ConfigurationResults;
}

type SeededRuns = ConfigurationResults['examples'][string];

function cell(m: MeanInterval, percent: boolean): IntervalCell {
  return { mean: m.mean, low: m.low, high: m.high, text: percent ? formatMeanInterval(m) : formatMeanInterval(m, 3, 1, '') };
}

function budgetText(budget: ConfigurationResult['spec']['budget']): string {
  return budget.kind === 'none' ? 'none' : `${budget.kind} ${budget.value}`;
}

function rowOf(source: ComparisonSource, c: ConfigurationResult): ComparisonRowView {
  const params: Record<ComparisonParam, string> = {
    experiment: source.experiment, sweep: source.sweep ?? '—', strategy: c.spec.strategy === 'lora' ? 'plain LoRA' : c.spec.strategy,
    budget: budgetText(c.spec.budget), percentile: c.spec.percentile === undefined ? '—' : String(c.spec.percentile),
  };
  return {
    id: `${source.id}/${c.key}`, configuration: c.key, params, seeds: c.seeds, trainableParams: c.trainableParams ?? null,
    accuracy: cell(c.accuracy, true), loss: cell(c.loss, false),
    tasks: Object.fromEntries(Object.entries(c.perTask).map(([t, v]) => [t, cell(v.accuracy, true)])), pareto: false,
  };
}

const signed = (x: number, digits: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;

function differenceCell(d: PairedDifference, higherIsBetter: boolean, scale: number, digits: number): DifferenceCell {
  return {
    estimate: d.estimate, low: d.low, high: d.high, excludesZero: d.excludesZero, verdict: verdictOf(d, higherIsBetter),
    text: `${signed(d.estimate * scale, digits)} (${signed(d.low * scale, digits)} to ${signed(d.high * scale, digits)})`,
  };
}

/** Marks the rows no other row dominates (accuracy at least as high with at most as many trainable parameters). */
function markPareto(rows: ComparisonRowView[]): void {
  const placed = rows.filter((r) => r.trainableParams !== null && Number.isFinite(r.accuracy.mean));
  for (const row of placed) {
    row.pareto = !placed.some((o) => o !== row && (o.trainableParams as number) <= (row.trainableParams as number) && o.accuracy.mean >= row.accuracy.mean
      && ((o.trainableParams as number) < (row.trainableParams as number) || o.accuracy.mean > row.accuracy.mean));
  }
}

/** Differences of every row against `baseline`; returns why some rows could not be paired. */
function addDifferences(rows: ComparisonRowView[], examples: Map<string, SeededRuns>, tasks: string[], baseline: string): string | undefined {
  const base = examples.get(baseline);
  if (!base) return undefined;
  const unpaired: string[] = [];
  for (const row of rows) {
    if (row.id === baseline) continue;
    const compared = compareSeeded(examples.get(row.id) ?? [], base, tasks);
    if (!compared) unpaired.push(row.configuration);
    else row.difference = { accuracy: differenceCell(compared.accuracy, true, 100, 1), loss: differenceCell(compared.loss, false, 1, 3) };
  }
  return unpaired.length ? `No paired difference for ${unpaired.join(', ')}: no seed in common with the baseline, or other test examples.` : undefined;
}

export function collectComparison(sources: readonly ComparisonSource[], baseline: string | undefined): ComparisonView | undefined {
  const rows: ComparisonRowView[] = [];
  const examples = new Map<string, SeededRuns>();
  const tasks: string[] = [];
  for (const source of sources) {
    for (const t of source.results.tasks) if (!tasks.includes(t)) tasks.push(t);
    for (const c of source.results.configurations) {
      const row = rowOf(source, c);
      rows.push(row);
      examples.set(row.id, source.results.examples[c.key] ?? []);
    }
  }
  if (rows.length === 0) return undefined;
  const params = COMPARISON_PARAMS.filter((p) => new Set(rows.map((r) => r.params[p])).size > 1);
  markPareto(rows);
  const chosen = baseline && rows.some((r) => r.id === baseline) ? baseline : undefined;
  const baselineNote = chosen ? addDifferences(rows, examples, tasks, chosen) : undefined;
  return { params, tasks, rows, ...(chosen ? { baseline: chosen } : {}), ...(baselineNote ? { baselineNote } : {}),
    sweeps: sources.filter((s) => s.sweep !== undefined).length, experimentsWithRuns: sources.filter((s) => s.sweep === undefined).length };
}

function csvField(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function intervalFields(c: IntervalCell | undefined): (number | null | undefined)[] {
  return [c?.mean, c?.low, c?.high];
}

/** The rows `rowIds` (in that order: the table's sort and filter) with the shown columns, numbers unrounded. */
export function comparisonCsv(view: ComparisonView, rowIds: readonly string[]): string {
  const range = (name: string) => [`${name} mean`, `${name} low`, `${name} high`];
  const header = ['configuration', ...view.params, 'seeds', 'trainable params', ...range('average accuracy'), ...range('average loss'),
    ...view.tasks.flatMap((t) => range(`${t} accuracy`)), ...(view.baseline ? [...range('accuracy difference'), ...range('loss difference')] : [])];
  const byId = new Map(view.rows.map((r) => [r.id, r]));
  const lines = rowIds.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const d = r.difference;
    const diff = view.baseline ? [d?.accuracy.estimate, d?.accuracy.low, d?.accuracy.high, d?.loss.estimate, d?.loss.low, d?.loss.high] : [];
    return [[r.configuration, ...view.params.map((p) => r.params[p]), r.seeds.join(' '), r.trainableParams, ...intervalFields(r.accuracy), ...intervalFields(r.loss),
      ...view.tasks.flatMap((t) => intervalFields(r.tasks[t])), ...diff]];
  });
  return [header, ...lines].map((fields) => fields.map(csvField).join(',')).join('\n') + '\n';
}
