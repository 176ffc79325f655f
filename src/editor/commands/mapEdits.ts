import * as path from 'node:path';
import * as vscode from 'vscode';
import { setValueEdits, setValuesEdits, type ValueChange } from '../../core/experiment/edits';
import { flatExpertMapText, orderedExpertMap } from '../../core/experiment/expertMap';
import { isObject } from '../../core/experiment/lenient';
import type { ExpertMap } from '../../core/experiment/types';
import { formattingFor, workspaceEditOf } from '../textEdits';

/**
 * Writes a map as one WorkspaceEdit (one undo step): the experiment's `experts` value — or, when `experts`
 * names an authors'-format file, that file's content — plus `settings`, the allocation and budget values the
 * map was made with, so the file's hints agree with it. Nothing else in either file changes.
 */
export async function writeExpertMap(document: vscode.TextDocument, raw: unknown, map: ExpertMap, settings: readonly ValueChange[] = []): Promise<boolean> {
  const experts = isObject(raw) ? raw.experts : undefined;
  const edit = new vscode.WorkspaceEdit();
  if (typeof experts === 'string') {
    const target = await vscode.workspace.openTextDocument(vscode.Uri.file(path.resolve(path.dirname(document.uri.fsPath), experts)));
    edit.replace(target.uri, new vscode.Range(target.positionAt(0), target.positionAt(target.getText().length)), flatExpertMapText(map));
    workspaceEditOf(document, setValuesEdits(document.getText(), settings, formattingFor(document)), edit);
    return vscode.workspace.applyEdit(edit);
  }
  const changes = [...settings, { path: ['experts'], value: orderedExpertMap(map) }];
  return vscode.workspace.applyEdit(workspaceEditOf(document, setValuesEdits(document.getText(), changes, formattingFor(document)), edit));
}

/** Sets one module's count in a map at `parent` (0 removes the entry: absent means no adapter). */
export async function writeModuleCount(document: vscode.TextDocument, parent: string[], module: string, count: number): Promise<boolean> {
  const edits = setValueEdits(document.getText(), [...parent, module], count > 0 ? count : undefined, formattingFor(document));
  return vscode.workspace.applyEdit(workspaceEditOf(document, edits));
}
