/**
 * The extension <-> dashboard webview contract. The extension sends view-model snapshots built by the pure
 * `collect*` functions in src/panel/collect; the webview sends `ready` first and then requests. Both sides
 * validate what they receive (`isFromWebviewMessage`, `isToWebviewMessage`) and switch exhaustively.
 * Imported by the extension and by webview/src (so: types and plain functions only, no Node or vscode).
 */
import type { ComparisonUiState, ComparisonView } from './comparison';

export type RunStatusView = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type JobCommandKind = 'probe' | 'train' | 'evaluate';

export const STRATEGIES = ['vote', 'uniform', 'layerwise', 'proportional'] as const;
export const BUDGET_KINDS = ['none', 'experts', 'params', 'loraRank'] as const;
export const SCOPES = ['pooled', 'per-type'] as const;
export type WhatIfStrategy = (typeof STRATEGIES)[number];
export type WhatIfBudgetKind = (typeof BUDGET_KINDS)[number];
export type WhatIfScope = (typeof SCOPES)[number];

/** One run of the experiment, newest first. */
export interface RunRowView {
  id: string;
  kind: string;
  status: RunStatusView;
  /** ISO time (sorting). */
  startedAt: string;
  /** "YYYY-MM-DD HH:MM", local time: the one date format of the tree and the dashboard. */
  started: string;
  keyFigure?: string;
  error?: string;
  /** The user's name for the run and note (run.json). */
  label?: string;
  note?: string;
  /** Key parameters: "maxSteps 60 · lr 0.003 · seed 3" (train), "adapter <run>" / "base model" (evaluate). */
  params?: string;
  /** The parameters given instead of the file's ("Train with…"). */
  overrides?: string;
}

/** A job of this experiment that is queued or running in the background worker. */
export interface ActiveJobView {
  jobId: string;
  kind: string;
  state: 'queued' | 'running';
  phase?: string;
  done?: number;
  total?: number;
  etaSeconds?: number;
}

/** Layers (rows) × module types (columns); the colour of a cell comes from its value on the scale of heatmapScale.ts. */
export interface HeatmapView {
  title: string;
  layers: number[];
  types: string[];
  /** null: the module was not measured (no colour, never an extreme). */
  values: (number | null)[][];
}

export interface SensitivityView {
  /** Where the table came from (a probe run id or `allocation.sensitivity`). */
  source: string;
  tasks: HeatmapView[];
  /** Σ over tasks of each task's normalised share. */
  summed: HeatmapView;
}

/** Experts per layer, stacked by module type, with the totals every allocation reports (DESIGN §3.3). */
export interface AllocationView {
  title: string;
  layers: number[];
  types: string[];
  /** experts[typeIndex][layerIndex]. */
  experts: number[][];
  totalExperts: number;
  modulesWithAdapters: number;
  trainableParameters?: number;
  loraRankEquivalent?: number;
  /** Plain LoRA at the adapter's rank on every target module, for comparison. */
  plainLoraParameters?: number;
  rank: number;
}

export interface WhatIfChoice {
  strategy: WhatIfStrategy;
  budgetKind: WhatIfBudgetKind;
  budgetValue?: number;
  percentile: number;
  scope: WhatIfScope;
}

export interface WhatIfView {
  choice: WhatIfChoice;
  result?: AllocationView;
  error?: string;
}

export interface TrainingRunOption {
  id: string;
  status: RunStatusView;
}

export interface RouterLoadView {
  module: string;
  meanGate: number[];
}

/** Series share the `steps` axis; per-task loss may have gaps (null) where a task was not in the step. */
export interface TrainingView {
  runId: string;
  runs: TrainingRunOption[];
  status: RunStatusView;
  steps: number[];
  loss: number[];
  taskLoss: Record<string, (number | null)[]>;
  learningRate: number[];
  gradNorm: number[];
  tokensPerSecond: number[];
  routerLoad: RouterLoadView[];
  lastStep?: number;
  maxSteps?: number;
  /** Other training runs picked in "Compare Runs": their total loss on their own steps. */
  compare: { runId: string; steps: number[]; loss: number[] }[];
}

export interface EvaluationRowView {
  /** The evaluation run. */
  runId: string;
  /** "base model · eval <id>" or "adapter <training run> · eval <id>". */
  label: string;
  base: boolean;
  /** The training run whose adapter was evaluated (absent for the base model). */
  adapterRun?: string;
  accuracy: Record<string, number | null>;
  loss: Record<string, number | null>;
}

/**
 * Columns are `task` names plus `average`; `best[column]` is the row index of the first best value (accuracy max, loss
 * min); rows with an equal value tie. A column where every value is equal, or only one row has a value, has no best.
 * null cells measured nothing (no examples) and never win.
 */
export interface EvaluationView {
  tasks: string[];
  rows: EvaluationRowView[];
  bestAccuracy: Record<string, number>;
  bestLoss: Record<string, number>;
}

/** Each job's predicted peak memory (core/algo/memory) for the file's settings, against the machine's memory. */
export interface MemoryView {
  machineGiB: number;
  jobs: { kind: JobCommandKind; peakGiB: number; fits: boolean }[];
}

export interface DashboardSnapshot {
  experiment: { file: string; label: string; name: string };
  trusted: boolean;
  runs: RunRowView[];
  jobs: ActiveJobView[];
  sensitivity?: SensitivityView;
  allocation?: AllocationView;
  whatIf?: WhatIfView;
  training?: TrainingView;
  evaluation?: EvaluationView;
  memory?: MemoryView;
  /** Sweeps of every experiment file side by side (absent without a sweep with a finished run). */
  comparison?: ComparisonView;
  /** A section to scroll into view once (e.g. "comparison" from a finished sweep's notification). */
  focus?: 'comparison';
  /** What is missing and how to get it, e.g. "No probe run yet: run Probe Sensitivity". */
  notes: string[];
}

// ---- extension -> webview ----

/** extension -> webview: the whole view model (after `ready`, and on every change). */
export interface SnapshotMessage {
  type: 'snapshot';
  snapshot: DashboardSnapshot;
}

/** extension -> webview: the answer to one `whatIf` request. */
export interface WhatIfResultMessage {
  type: 'whatIfResult';
  requestId: number;
  view: WhatIfView;
}

/** extension -> webview: a short line shown above the sections (e.g. "Applied to demo.smoe.json"). */
export interface NoticeMessage {
  type: 'notice';
  level: 'info' | 'warning' | 'error';
  message: string;
}

export type ToWebviewMessage = SnapshotMessage | WhatIfResultMessage | NoticeMessage;

// ---- webview -> extension ----

/** webview -> extension: the page is loaded and listening; send the snapshot. */
export interface ReadyMessage {
  type: 'ready';
}

/** webview -> extension: recompute the allocation for these controls. */
export interface WhatIfRequestMessage {
  type: 'whatIf';
  requestId: number;
  choice: WhatIfChoice;
}

/** webview -> extension: write the allocation for these controls into the experiment file (one undoable edit). */
export interface ApplyAllocationMessage {
  type: 'applyAllocation';
  choice: WhatIfChoice;
}

/** webview -> extension: start probe/train/evaluate on this experiment (refused in untrusted workspaces). */
export interface StartJobMessage {
  type: 'startJob';
  kind: JobCommandKind;
}

/** webview -> extension: cancel a queued or running job. */
export interface CancelJobMessage {
  type: 'cancelJob';
  jobId: string;
}

/** webview -> extension: show this training run in the training section. */
export interface SelectTrainingRunMessage {
  type: 'selectTrainingRun';
  runId: string;
}

/** webview -> extension: open this run (a training run in the training section, any other its main result file). */
export interface OpenRunMessage {
  type: 'openRun';
  runId: string;
}

/** webview -> extension: take paired differences against this comparison row (null: none). */
export interface ComparisonBaselineMessage {
  type: 'comparisonBaseline';
  rowId: string | null;
}

/** webview -> extension: save these comparison rows (the table's order and filter) as CSV, asking where. */
export interface ExportComparisonMessage {
  type: 'exportComparison';
  rowIds: string[];
}

export type FromWebviewMessage =
  | ComparisonBaselineMessage
  | ExportComparisonMessage
  | OpenRunMessage
  | ReadyMessage
  | WhatIfRequestMessage
  | ApplyAllocationMessage
  | StartJobMessage
  | CancelJobMessage
  | SelectTrainingRunMessage;

type Loose = Record<string, unknown>;

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export function isWhatIfChoice(value: unknown): value is WhatIfChoice {
  if (!isRecord(value)) return false;
  return oneOf(STRATEGIES, value.strategy) && oneOf(BUDGET_KINDS, value.budgetKind) && oneOf(SCOPES, value.scope)
    && finite(value.percentile) && value.percentile >= 0 && value.percentile <= 100
    && (value.budgetValue === undefined || (finite(value.budgetValue) && value.budgetValue >= 0));
}

const JOB_KINDS: readonly JobCommandKind[] = ['probe', 'train', 'evaluate'];

/** Structural check of every message the webview may send; anything else is dropped. */
export function isFromWebviewMessage(value: unknown): value is FromWebviewMessage {
  if (!isRecord(value)) return false;
  const type = value.type as FromWebviewMessage['type'];
  switch (type) {
    case 'ready':
      return true;
    case 'whatIf':
      return Number.isInteger(value.requestId) && isWhatIfChoice(value.choice);
    case 'applyAllocation':
      return isWhatIfChoice(value.choice);
    case 'startJob':
      return oneOf(JOB_KINDS, value.kind);
    case 'cancelJob':
      return typeof value.jobId === 'string' && value.jobId !== '';
    case 'comparisonBaseline':
      return value.rowId === null || (typeof value.rowId === 'string' && value.rowId !== '');
    case 'exportComparison':
      return Array.isArray(value.rowIds) && value.rowIds.every((id) => typeof id === 'string');
    case 'selectTrainingRun':
    case 'openRun':
      return typeof value.runId === 'string' && value.runId !== '';
    default: {
      const never: never = type;
      void never;
      return false;
    }
  }
}

/** The webview's check of what the extension sends (shallow: the extension builds these from typed collectors). */
export function isToWebviewMessage(value: unknown): value is ToWebviewMessage {
  if (!isRecord(value)) return false;
  const type = value.type as ToWebviewMessage['type'];
  switch (type) {
    case 'snapshot':
      return isRecord(value.snapshot) && Array.isArray((value.snapshot as Loose).runs);
    case 'whatIfResult':
      return Number.isInteger(value.requestId) && isRecord(value.view) && isWhatIfChoice((value.view as Loose).choice);
    case 'notice':
      return oneOf(['info', 'warning', 'error'] as const, value.level) && typeof value.message === 'string';
    default: {
      const never: never = type;
      void never;
      return false;
    }
  }
}

/** State the webview keeps with `setState` so the serializer can reopen the panel after a reload. */
export interface DashboardWebviewState {
  experimentFile: string;
  comparison?: ComparisonUiState;
}

export function isDashboardWebviewState(value: unknown): value is DashboardWebviewState {
  return isRecord(value) && typeof value.experimentFile === 'string' && value.experimentFile !== '';
}
