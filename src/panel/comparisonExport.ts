// "Export CSV" of the comparison section: the rows as the table shows them, to a file the user picks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ComparisonView } from '../protocol/comparison';
import { comparisonCsv } from './collect/comparison';

/** Asks where, writes the CSV; the line to show in the dashboard (undefined when the user cancelled the dialog). */
export async function exportComparisonCsv(view: ComparisonView | undefined, rowIds: readonly string[], experimentFile: string): Promise<{ level: 'info' | 'error'; message: string } | undefined> {
  if (!view) return { level: 'error', message: 'Nothing to export: no sweep has a finished run yet.' };
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(experimentFile))?.uri ?? vscode.Uri.file(path.dirname(experimentFile));
  const target = await vscode.window.showSaveDialog({
    title: 'LoRA-SMoE: Export Comparison', saveLabel: 'Export CSV', filters: { CSV: ['csv'] },
    defaultUri: vscode.Uri.joinPath(folder, `${path.basename(experimentFile, '.smoe.json')}-comparison.csv`),
  });
  if (!target) return undefined;
  const ids = rowIds.length > 0 ? rowIds : view.rows.map((r) => r.id);
  try {
    fs.writeFileSync(target.fsPath, comparisonCsv(view, ids));
  } catch (error) {
    return { level: 'error', message: `${target.fsPath} cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)}); pick another folder.` };
  }
  return { level: 'info', message: `Wrote ${ids.length} configurations to ${vscode.workspace.asRelativePath(target)}.` };
}
