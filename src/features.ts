import type * as vscode from 'vscode';
import type { CommandTable } from './commandIds';
import { registerEditorFeatures } from './editor';
import { createRunRuntime, registerRunFeatures } from './runs';
import { WorkspaceModel } from './workspace/workspaceModel';

/**
 * The composition root: one workspace model (analyses and runs, one watcher, one change event) shared by the
 * editor features and the run features (views, dashboard, the demo command); each returns its command handlers.
 */
export function registerFeatures(context: vscode.ExtensionContext): CommandTable {
  const runtime = createRunRuntime(context);
  const model = new WorkspaceModel(runtime.jobs, runtime.output.channel);
  context.subscriptions.push(model);
  return { ...registerEditorFeatures(context, model), ...registerRunFeatures(context, model, runtime) };
}
