import * as vscode from 'vscode';
import type { CommandHandlers } from '../commandIds';
import type { WorkspaceModel } from '../workspace/workspaceModel';
import { ExperimentCodeActionProvider } from './codeActions';
import { ExperimentCodeLensProvider } from './codeLens';
import { editorCommands, type EditorCommandId } from './commands';
import { ExperimentDiagnostics } from './diagnostics';
import { EXPERIMENT_SELECTOR, FLAT_MAP_SELECTOR } from './documents';
import { FlatMapCodeLensProvider } from './flatMapLens';
import { PathCompletionProvider } from './pathCompletion';

/** Experiment files in the editor: diagnostics, quick fixes, CodeLens (also in flat expert maps) and commands. */
export function registerEditorFeatures(context: vscode.ExtensionContext, model: WorkspaceModel): CommandHandlers<EditorCommandId> {
  const lenses = new ExperimentCodeLensProvider(model);
  const flatLenses = new FlatMapCodeLensProvider(model);
  context.subscriptions.push(
    new ExperimentDiagnostics(model),
    lenses,
    flatLenses,
    vscode.languages.registerCodeLensProvider(EXPERIMENT_SELECTOR, lenses),
    vscode.languages.registerCodeLensProvider(FLAT_MAP_SELECTOR, flatLenses),
    vscode.languages.registerCodeActionsProvider(EXPERIMENT_SELECTOR, new ExperimentCodeActionProvider(model.analyzer), ExperimentCodeActionProvider.metadata),
    vscode.languages.registerCompletionItemProvider(EXPERIMENT_SELECTOR, new PathCompletionProvider(), '/', '"'),
  );
  return editorCommands(model.analyzer);
}
