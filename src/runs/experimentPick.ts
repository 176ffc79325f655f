// Which experiment a command acts on: its argument (Uri, path, tree node, options), the active editor, or a pick.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isExperimentNode, isJobNode, isRunNode } from '../views/nodes';
import type { RunStore } from './runStore';

const SUFFIX = '.smoe.json';

/** The experiment file named by a command argument, if any. */
export function experimentFromArg(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' ? arg.fsPath : undefined;
  if (typeof arg === 'string') return arg.endsWith(SUFFIX) ? path.resolve(arg) : undefined;
  if (isExperimentNode(arg)) return arg.file;
  if (isRunNode(arg) || isJobNode(arg)) return arg.experimentFile;
  const uri = (arg as { uri?: unknown } | undefined)?.uri;
  return uri !== undefined ? experimentFromArg(uri) : undefined;
}

function activeExperiment(): string | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document && document.uri.scheme === 'file' && document.uri.fsPath.endsWith(SUFFIX) ? document.uri.fsPath : undefined;
}

/** Argument, else the active `*.smoe.json` editor, else the only experiment, else a quick pick; undefined when none. */
export async function pickExperiment(store: RunStore, arg: unknown, action: string): Promise<string | undefined> {
  const chosen = experimentFromArg(arg) ?? activeExperiment();
  if (chosen) return chosen;
  const files = await store.experiments();
  if (files.length === 0) {
    void vscode.window.showErrorMessage(`LoRA-SMoE: to ${action}, the workspace needs a *${SUFFIX} experiment file. Create one with "LoRA-SMoE: New Experiment" or "LoRA-SMoE: Create Demo Workspace".`);
    return undefined;
  }
  if (files.length === 1) return files[0];
  const items = files.map((file) => {
    const folder = path.dirname(vscode.workspace.asRelativePath(file, false));
    return { label: path.basename(file), description: folder === '.' ? '' : folder, file };
  });
  const picked = await vscode.window.showQuickPick(items, { title: `LoRA-SMoE: ${action}`, placeHolder: 'Which experiment?' });
  return picked?.file;
}

/** Options objects that tests and other features pass instead of a Uri. */
export function optionsOf<T extends object>(arg: unknown): Partial<T> {
  return arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) && !('type' in arg) ? (arg as Partial<T>) : {};
}
