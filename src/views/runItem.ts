// How one run (or a job that has no run folder yet) looks in the Experiments tree. Pure: unit-tested.
import type { RunStatus } from '../core/runFolder/runFolder';
import type { ProgressState } from '../runs/progressState';
import { progressText } from '../runs/progressState';
import type { RunFigures } from '../runs/runFigures';

export type ItemStatus = RunStatus | 'queued';

export interface RunItemView {
  label: string;
  description: string;
  tooltip: string;
  /** A codicon id, and the theme colour id to paint it with. */
  icon: string;
  color?: string;
  contextValue: string;
}

export interface RunItemInput {
  id: string;
  kind: string;
  status: ItemStatus;
  startedAt?: string;
  error?: string;
  figures: RunFigures;
  progress?: ProgressState;
  /** The user's name for the run (run.json `label`), shown instead of the kind. */
  label?: string;
  note?: string;
  overrides?: Record<string, number>;
  /** A brought-back run with a missing or corrupt file: what is wrong (names the file). */
  incomplete?: string;
  /** The host of a run written on another machine (a running one is going on there). */
  elsewhere?: string;
}

const ICONS: Record<ItemStatus, { icon: string; color?: string }> = {
  queued: { icon: 'clock' },
  running: { icon: 'sync~spin' },
  succeeded: { icon: 'pass', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  cancelled: { icon: 'circle-slash', color: 'list.warningForeground' },
};

/** total experts (probe/allocate), last loss (train), average accuracy (evaluate). */
export function keyFigureText(kind: string, figures: RunFigures): string | undefined {
  if (figures.totalExperts !== undefined && (kind === 'probe' || kind === 'allocate')) return `${figures.totalExperts} experts`;
  if (figures.lastLoss !== undefined && kind === 'train') return `loss ${figures.lastLoss.toFixed(3)}`;
  if (figures.averageAccuracy !== undefined && kind === 'evaluate') return `avg acc ${(100 * figures.averageAccuracy).toFixed(1)}%`;
  if (figures.sweep && kind === 'sweep') return `${figures.sweep.done} of ${figures.sweep.total} runs`;
  return undefined;
}

/** Local "YYYY-MM-DD HH:MM" of an ISO time. */
export function startedText(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function overridesText(overrides: Record<string, number> | undefined): string | undefined {
  if (!overrides || Object.keys(overrides).length === 0) return undefined;
  return `overrides: ${Object.entries(overrides).map(([k, v]) => `${k} ${v}`).join(', ')}`;
}

function tooltipOf(run: RunItemInput, lines: { remote?: string; flagged?: string; figure?: string; started?: string }): string {
  const title = run.label ? `${run.label} (${run.kind} run ${run.id})` : `${run.kind} run ${run.id}`;
  const status = `status: ${run.status}${lines.remote ? ` (${lines.remote})` : ''}`;
  return [title, status, lines.flagged, lines.figure, lines.started && `started ${lines.started}`, overridesText(run.overrides), run.note && `note: ${run.note}`, run.error && `error: ${run.error}`]
    .filter((p): p is string => Boolean(p))
    .join('\n');
}

export function collectRunItem(run: RunItemInput): RunItemView {
  const figure = keyFigureText(run.kind, run.figures);
  const remote = run.status === 'running' && run.elsewhere ? `running on ${run.elsewhere}` : undefined;
  const live = run.status === 'running' && run.progress ? progressText(run.progress) : remote;
  const started = startedText(run.startedAt);
  const flagged = run.incomplete ? `incomplete: ${run.incomplete}` : undefined;
  // A sweep keeps its k of n beside the live phase of the run it is on.
  const parts = run.status === 'queued' ? ['queued'] : run.kind === 'sweep' && !flagged ? [figure, live, started] : [flagged ?? live ?? figure, started];
  const description = [run.label ? run.kind : undefined, ...parts].filter((p): p is string => Boolean(p)).join(' · ');
  const tooltip = tooltipOf(run, { remote, flagged, figure, started });
  const { icon, color } = run.incomplete ? { icon: 'warning', color: 'list.warningForeground' } : ICONS[run.status];
  const contextValue = run.status === 'queued' ? 'smoe.job.queued' : `smoe.run.${run.status}.${run.kind}`;
  return { label: run.label ?? run.kind, description, tooltip, icon, color, contextValue };
}

/**
 * The tree id of a run row. A run's row has one id while a job runs it (expanded, the progress row under it) and
 * another once it ended (collapsed): VS Code takes a new id for a new row. A sweep's row keeps its one id: its member
 * runs sit under it, and a new id would collapse it, hiding them, the moment the sweep ends.
 */
export function runRowId(dir: string, kind: string, live: boolean): string {
  return live && kind !== 'sweep' ? `${dir}#live` : dir;
}

/** A row shown expanded when first shown: a run a job is on, or a sweep still running (its members are its content). */
export function runRowExpanded(kind: string, status: ItemStatus, live: boolean): boolean {
  return live || (kind === 'sweep' && status === 'running');
}
