import * as path from 'node:path';
import * as vscode from 'vscode';
import { setValueEdits } from '../../core/experiment/edits';
import { flatExpertMapText, orderedExpertMap } from '../../core/experiment/expertMap';
import { isObject } from '../../core/experiment/lenient';
import type { ExpertMap } from '../../core/experiment/types';
import { formattingFor, workspaceEditOf } from '../textEdits';

/**
 * Writes a map as one WorkspaceEdit (one undo step): the experiment's `experts` value only, or — when `experts`
 * names an authors'-format file — that file's content. Nothing else in either file changes.
 */
export async function writeExpertMap(document: vscode.TextDocument, raw: unknown, map: ExpertMap): Promise<boolean> {
  const experts = isObject(raw) ? raw.experts : undefined;
  if (typeof experts === 'string') {
    const target = await vscode.workspace.openTextDocument(vscode.Uri.file(path.resolve(path.dirname(document.uri.fsPath), experts)));
    const whole = new vscode.Range(target.positionAt(0), target.positionAt(target.getText().length));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(target.uri, whole, flatExpertMapText(map));
    return vscode.workspace.applyEdit(edit);
  }
  const edits = setValueEdits(document.getText(), ['experts'], orderedExpertMap(map), formattingFor(document));
  return vscode.workspace.applyEdit(workspaceEditOf(document, edits));
}

/** Sets one module's count in a map at `parent` (0 removes the entry: absent means no adapter). */
export async function writeModuleCount(document: vscode.TextDocument, parent: string[], module: string, count: number): Promise<boolean> {
  const edits = setValueEdits(document.getText(), [...parent, module], count > 0 ? count : undefined, formattingFor(document));
  return vscode.workspace.applyEdit(workspaceEditOf(document, edits));
}
