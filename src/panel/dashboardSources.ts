// Gathers what one dashboard shows from the workspace model (runs, the file's analysis) and the job manager.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunEvent } from '../core/runFolder/runFolder';
import type { EvalReport } from '../core/train/evalReport';
import { experimentMemory } from '../core/experiment/memoryLens';
import type { ExperimentAnalysis, ExperimentAnalyzer } from '../editor/analysis';
import { planOf } from '../editor/plans';
import type { ActiveJobView, WhatIfChoice } from '../protocol/webview';
import type { JobManager } from '../runs/jobManager';
import { runFigures } from '../runs/runFigures';
import { readRunJson, type RunEntry } from '../runs/runListing';
import type { RunStore } from '../runs/runStore';
import type { WorkspaceModel } from '../workspace/workspaceModel';
import type { DashboardSelection } from '../runs/services';
import type { ComparisonSource } from './collect/comparison';
import type { DashboardPlan, DashboardRun, DashboardSources } from './collect/snapshot';
import { runSourceOf, sweepSourcesOf } from './comparisonSources';

export interface SourceDeps {
  model: WorkspaceModel;
  jobs: JobManager;
}

/** The file's analysis (reflecting unsaved edits), or undefined when the file is gone. */
export async function analyse(analyzer: ExperimentAnalyzer, file: string): Promise<{ analysis: ExperimentAnalysis; document: vscode.TextDocument } | undefined> {
  try {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    return { document, analysis: await analyzer.analyze(document) };
  } catch {
    return undefined;
  }
}

export function planFrom(analysis: ExperimentAnalysis): DashboardPlan {
  const plan = planOf(analysis);
  const loaded = analysis.sensitivity;
  const source = loaded ? (loaded.source.runId ? `probe run ${loaded.source.runId}` : vscode.workspace.asRelativePath(loaded.source.location)) : undefined;
  return { adapter: plan.adapter, choice: plan.choice, map: plan.map, model: analysis.model, table: loaded?.table, sensitivitySource: source, sensitivityError: loaded?.error };
}

function activeJobs(jobs: JobManager, file: string): ActiveJobView[] {
  return jobs.jobs().filter((j) => j.key === path.resolve(file)).map((j) => ({
    jobId: j.id, kind: j.request.kind, state: j.state === 'queued' ? 'queued' : 'running',
    phase: j.progress?.phase, done: j.progress?.done, total: j.progress?.total, etaSeconds: j.progress?.etaSeconds,
  }));
}

function dashboardRun(store: RunStore, entry: RunEntry, experiment: unknown): DashboardRun {
  const kind = entry.record.kind;
  const events: readonly RunEvent[] = kind === 'train' || kind === 'evaluate' ? store.events.read(entry.dir) : [];
  const evalReport = kind === 'evaluate' ? readRunJson<EvalReport>(entry.dir, 'eval.json') : undefined;
  return { entry, events, evalReport, figures: runFigures(entry, events, experiment) };
}

/** Sweeps and evaluated runs of every experiment file in the workspace (and the extra run roots): the comparison spans files. */
async function comparisonSources(store: RunStore): Promise<ComparisonSource[]> {
  const files = await store.experiments();
  return files.flatMap((file) => {
    const runs = store.runsOf(file);
    const label = vscode.workspace.asRelativePath(file);
    return [...sweepSourcesOf(runs, label), ...runSourceOf(runs, file, label, store.experimentValue(file))];
  });
}

export async function gatherSources(deps: SourceDeps, file: string, selection: DashboardSelection, controls: WhatIfChoice | undefined): Promise<DashboardSources> {
  const analysed = await analyse(deps.model.analyzer, file);
  const experiment = analysed?.analysis.parsed.value;
  const name = (experiment as { name?: unknown } | undefined)?.name;
  return {
    experiment: { file, label: vscode.workspace.asRelativePath(file), name: typeof name === 'string' ? name : path.basename(file, '.smoe.json') },
    trusted: vscode.workspace.isTrusted,
    runs: deps.model.runs.runsOf(file).map((entry) => dashboardRun(deps.model.runs, entry, experiment)),
    jobs: activeJobs(deps.jobs, file),
    plan: analysed ? planFrom(analysed.analysis) : undefined,
    memory: analysed ? experimentMemory(experiment, analysed.analysis.facts.model, os.totalmem()) : undefined,
    controls,
    selection,
    comparison: await comparisonSources(deps.model.runs),
  };
}
