import * as vscode from 'vscode';
import { type ExperimentAnalysis, type ExperimentAnalyzer } from '../analysis';
import { experimentDocumentFor, fileLabel } from '../documents';

/** Commands take a Uri (CodeLens, explorer), an options object with `uri` (tests), or nothing (palette). */
export function commandOptions<T extends { uri?: vscode.Uri | string }>(arg: unknown): T {
  if (arg instanceof vscode.Uri || typeof arg === 'string') return { uri: arg } as T;
  return (arg && typeof arg === 'object' ? arg : {}) as T;
}

export interface TargetExperiment {
  document: vscode.TextDocument;
  analysis: ExperimentAnalysis;
  label: string;
}

/** The experiment a command works on, analysed; tells the user what to open when there is none. */
export async function targetExperiment(analyzer: ExperimentAnalyzer, uri: vscode.Uri | string | undefined, action: string): Promise<TargetExperiment | undefined> {
  const document = await experimentDocumentFor(uri);
  if (!document) {
    void vscode.window.showErrorMessage(`LoRA-SMoE: to ${action}, open a *.smoe.json experiment file first (or run "New Experiment").`);
    return undefined;
  }
  return { document, analysis: await analyzer.analyze(document), label: fileLabel(document) };
}
