import type * as vscode from 'vscode';
import type { CommandTable } from './commandIds';
import { registerEditorFeatures } from './editor';

/**
 * The composition root: each feature folder registers its providers and views and returns its command handlers.
 * Feature registrations are added here as features land (editor, runs/views/dashboard, demo).
 */
export function registerFeatures(context: vscode.ExtensionContext): CommandTable {
  const table: CommandTable = {};
  Object.assign(table, registerEditorFeatures(context));
  return table;
}
