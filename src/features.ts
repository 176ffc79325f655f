import type * as vscode from 'vscode';
import type { CommandTable } from './commandIds';
import { registerEditorFeatures } from './editor';
import { registerRunFeatures } from './runs';

/**
 * The composition root: each feature folder (editor; runs with views, dashboard and the demo command)
 * registers its providers and views and returns its command handlers.
 */
export function registerFeatures(context: vscode.ExtensionContext): CommandTable {
  const table: CommandTable = {};
  Object.assign(table, registerEditorFeatures(context));
  Object.assign(table, registerRunFeatures(context));
  return table;
}
