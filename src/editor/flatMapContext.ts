import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isObject } from '../core/experiment/lenient';
import { moduleHints, suggestAllocation, type ModuleHint } from '../core/experiment/planner';
import { SENSITIVITY_FILE } from '../core/experiment/sensitivitySource';
import { adapterOf, allocationChoiceOf } from '../core/experiment/settings';
import type { ExpertMap } from '../core/experiment/types';
import type { ExperimentAnalyzer } from './analysis';
import { EXPERIMENT_SUFFIX } from './documents';
import { planOf } from './plans';

/** What the hints in an authors'-format map file are computed from. */
export interface FlatMapContext {
  /** `experiment foo.smoe.json` or `sibling sensitivity.json`. */
  source: string;
  strategy: string;
  suggestion?: ExpertMap;
  hints: Map<string, ModuleHint>;
}

async function experimentText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  return fs.readFile(uri.fsPath, 'utf8').catch(() => undefined);
}

/** The experiment whose `experts` names this file, if any (a workspace search, for files the user opened). */
async function referencingExperiment(file: string): Promise<vscode.Uri | undefined> {
  const candidates = await vscode.workspace.findFiles(`**/*${EXPERIMENT_SUFFIX}`, '**/node_modules/**', 200);
  for (const uri of candidates) {
    const text = await experimentText(uri);
    const experts = text ? safeExperts(text) : undefined;
    if (typeof experts === 'string' && path.resolve(path.dirname(uri.fsPath), experts) === file) return uri;
  }
  return undefined;
}

function safeExperts(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value.experts : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Hints for a flat map: from the experiment that points at it (its model, strategy and sensitivity), else from a
 * sensitivity.json beside it under the schema's default strategy; undefined when no sensitivity is known.
 */
export async function flatMapContext(analyzer: ExperimentAnalyzer, file: string, map: ExpertMap): Promise<FlatMapContext | undefined> {
  const experiment = await referencingExperiment(file);
  if (experiment) {
    const analysis = await analyzer.analyze(await vscode.workspace.openTextDocument(experiment));
    const plan = planOf(analysis);
    const table = analysis.sensitivity?.table;
    if (!table) return undefined;
    return { source: `experiment ${path.basename(experiment.fsPath)}`, strategy: plan.choice.strategy, suggestion: plan.suggestion, hints: moduleHints(plan.adapter, map, table, plan.suggestion) };
  }
  const table = await analyzer.sensitivityAt(path.join(path.dirname(file), SENSITIVITY_FILE));
  if (!table) return undefined;
  const adapter = adapterOf({});
  const choice = allocationChoiceOf({});
  let suggestion: ExpertMap | undefined;
  try {
    suggestion = suggestAllocation(undefined, adapter, choice, table);
  } catch {
    suggestion = undefined;
  }
  return { source: `sibling ${SENSITIVITY_FILE}`, strategy: choice.strategy, suggestion, hints: moduleHints(adapter, map, table, suggestion) };
}
