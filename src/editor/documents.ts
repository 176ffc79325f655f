import * as vscode from 'vscode';

export const EXPERIMENT_SUFFIX = '.smoe.json';

/** CodeLens/code-action selectors: experiment files, and any JSON file that may be an authors'-format expert map. */
export const EXPERIMENT_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file', pattern: `**/*${EXPERIMENT_SUFFIX}` }];
export const FLAT_MAP_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file', language: 'json' }];

export function isExperimentDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && document.uri.path.endsWith(EXPERIMENT_SUFFIX);
}

/** The experiment a command acts on: its argument (Uri or path), else the active editor's experiment file. */
export async function experimentDocumentFor(target: unknown): Promise<vscode.TextDocument | undefined> {
  const uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : activeExperimentUri();
  if (!uri) return undefined;
  return vscode.workspace.openTextDocument(uri);
}

function activeExperimentUri(): vscode.Uri | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document && isExperimentDocument(document) ? document.uri : undefined;
}

export function fileLabel(document: vscode.TextDocument): string {
  return vscode.workspace.asRelativePath(document.uri, false);
}
