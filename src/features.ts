import type * as vscode from 'vscode';
import type { CommandTable } from './commandIds';
import { registerEditorFeatures } from './editor';
import { registerRunFeatures } from './runs';

/**
 * The composition root: each feature folder registers its providers and views and returns its command handlers.
 * Feature registrations are added here as features land (editor, runs/views/dashboard, demo).
 */
export function registerFeatures(context: vscode.ExtensionContext): CommandTable {
  const table: CommandTable = {};
  Object.assign(table, registerEditorFeatures(context));
  Object.assign(table, registerRunFeatures(context));
  return table;
}
