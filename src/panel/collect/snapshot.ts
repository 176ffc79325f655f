// Everything the dashboard shows, folded from raw inputs (runs, events, eval.json, the plan) into one snapshot. Pure.
import * as path from 'node:path';
import type { ExpertMap } from '../../core/experiment/types';
import type { RunEvent } from '../../core/runFolder/runFolder';
import type { EvalReport } from '../../core/train/evalReport';
import type { ActiveJobView, DashboardSnapshot, JobCommandKind, MemoryView, RunRowView, WhatIfChoice } from '../../protocol/webview';
import type { RunFigures } from '../../runs/runFigures';
import type { RunEntry } from '../../runs/runListing';
import type { DashboardSelection } from '../../runs/services';
import { keyFigureText, startedText } from '../../views/runItem';
import { collectAllocation } from './allocation';
import { collectComparison, type ComparisonSource } from './comparison';
import { collectEvaluation } from './evaluation';
import { collectSensitivity } from './sensitivity';
import { collectTraining } from './training';
import { computeWhatIf, whatIfChoiceOf, type PlanInputs } from './whatIf';

export interface DashboardRun {
  entry: RunEntry;
  figures: RunFigures;
  events: readonly RunEvent[];
  evalReport?: EvalReport;
}

export interface DashboardPlan extends PlanInputs {
  /** The map the file holds now (inline or the file `experts` names). */
  map: ExpertMap;
  sensitivitySource?: string;
  sensitivityError?: string;
}

export interface DashboardSources {
  experiment: { file: string; label: string; name: string };
  trusted: boolean;
  /** Newest first. */
  runs: readonly DashboardRun[];
  jobs: ActiveJobView[];
  plan?: DashboardPlan;
  /** The what-if controls as the user left them; the file's own choice when absent. */
  controls?: WhatIfChoice;
  selection: DashboardSelection;
  /** The jobs' predicted peaks (bytes) from the model's headers; absent while the model is unreadable. */
  memory?: { limitBytes: number; jobs: { kind: JobCommandKind; peakBytes: number }[] };
  /** Sweeps of the workspace's experiment files (the comparison section). */
  comparison?: readonly ComparisonSource[];
}

const GIB = 2 ** 30;

function memoryView(memory: DashboardSources['memory']): MemoryView | undefined {
  if (!memory) return undefined;
  return {
    machineGiB: memory.limitBytes / GIB,
    jobs: memory.jobs.map((j) => ({ kind: j.kind, peakGiB: j.peakBytes / GIB, fits: j.peakBytes <= memory.limitBytes })),
  };
}

const describeValues = (values: Record<string, unknown>) => Object.entries(values).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${k === 'learningRate' ? 'lr' : k} ${v}`).join(' · ');

/** The few settings a run is told apart by: the training schedule, or which model an evaluation measured. */
function runParams(record: RunEntry['record']): string | undefined {
  const config = record.config as { training?: Record<string, unknown>; adapter?: unknown } | undefined;
  if (record.kind === 'train' && config?.training) {
    const { maxSteps, learningRate, seed } = config.training;
    return describeValues({ maxSteps, learningRate, seed }) || undefined;
  }
  if (record.kind === 'evaluate' && config && 'adapter' in config) {
    return typeof config.adapter === 'string' ? `adapter ${path.basename(config.adapter)}` : 'base model';
  }
  return undefined;
}

function runRow({ entry, figures }: DashboardRun): RunRowView {
  const { record } = entry;
  const overrides = record.overrides && Object.keys(record.overrides).length > 0 ? describeValues(record.overrides) : undefined;
  return {
    id: entry.id, kind: record.kind, status: record.status, startedAt: record.startedAt, started: startedText(record.startedAt) ?? record.startedAt,
    keyFigure: keyFigureText(record.kind, figures), error: record.error, label: record.label, note: record.note, params: runParams(record), overrides,
  };
}

function maxStepsOf(config: unknown): number | undefined {
  const value = (config as { training?: { maxSteps?: unknown } } | undefined)?.training?.maxSteps;
  return typeof value === 'number' ? value : undefined;
}

function planSections(plan: DashboardPlan | undefined, controls: WhatIfChoice | undefined, notes: string[]): Pick<DashboardSnapshot, 'sensitivity' | 'allocation' | 'whatIf'> {
  if (!plan) return {};
  if (plan.sensitivityError) notes.push(`The sensitivity result cannot be read: ${plan.sensitivityError}`);
  else if (!plan.table) notes.push('No sensitivity result yet: run "Probe Sensitivity" (or set allocation.sensitivity) for the heatmap and the vote strategies.');
  if (!plan.model) notes.push('The model at model.path cannot be read, so parameter counts are not shown; fix model.path in the experiment file.');
  return {
    sensitivity: plan.table ? collectSensitivity(plan.table, plan.sensitivitySource ?? 'sensitivity result') : undefined,
    allocation: collectAllocation({ title: 'experts in the file', map: plan.map, adapter: plan.adapter, model: plan.model }),
    whatIf: computeWhatIf(plan, controls ?? whatIfChoiceOf(plan.choice)),
  };
}

export function collectSnapshot(sources: DashboardSources): DashboardSnapshot {
  const notes: string[] = [];
  const planned = planSections(sources.plan, sources.controls, notes);
  const compare = sources.selection.compare ?? [];
  const trainRuns = sources.runs.filter((r) => r.entry.record.kind === 'train');
  const evalRuns = sources.runs.filter((r) => r.entry.record.kind === 'evaluate' && r.evalReport);
  const comparedEvals = evalRuns.filter((r) => compare.includes(r.entry.id));
  const training = collectTraining(
    trainRuns.map((r) => ({ id: r.entry.id, status: r.entry.record.status, events: r.events, maxSteps: maxStepsOf(r.entry.record.config) })),
    sources.selection.trainingRun ?? trainRuns.find((r) => compare.includes(r.entry.id))?.entry.id,
    compare,
  );
  const evaluation = collectEvaluation((comparedEvals.length > 0 ? comparedEvals : evalRuns).map((r) => ({ id: r.entry.id, report: r.evalReport as EvalReport })));
  if (!training) notes.push('No training run yet: run "Train" to see the loss, learning rate, throughput and router load.');
  if (!evaluation) notes.push('No evaluation yet: run "Evaluate" (base model and trained adapters) to fill the table.');
  return {
    experiment: sources.experiment,
    trusted: sources.trusted,
    runs: sources.runs.map(runRow),
    jobs: sources.jobs,
    ...planned,
    training,
    evaluation,
    memory: memoryView(sources.memory),
    comparison: collectComparison(sources.comparison ?? [], sources.selection.baseline),
    ...(sources.selection.section ? { focus: sources.selection.section } : {}),
    notes,
  };
}
