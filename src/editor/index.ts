import * as vscode from 'vscode';
import type { CommandTable } from '../commandIds';
import { ExperimentAnalyzer } from './analysis';
import { ExperimentCodeActionProvider } from './codeActions';
import { ExperimentCodeLensProvider } from './codeLens';
import { editorCommands } from './commands';
import { ExperimentDiagnostics } from './diagnostics';
import { EXPERIMENT_SELECTOR, FLAT_MAP_SELECTOR } from './documents';
import { FlatMapCodeLensProvider } from './flatMapLens';
import { pollProbeRuns } from './runsPoller';

/** New probe results (sensitivity.json, then run.json marking the run succeeded), wherever runs are written. */
const RUN_RESULTS = '**/{sensitivity,run}.json';

function watchInputs(analyzer: ExperimentAnalyzer): vscode.Disposable[] {
  const watcher = vscode.workspace.createFileSystemWatcher(RUN_RESULTS);
  const refresh = () => analyzer.invalidate();
  return [
    watcher,
    watcher.onDidCreate(refresh),
    watcher.onDidChange(refresh),
    watcher.onDidDelete(refresh),
    // A saved flat map or model config changes what experiments pointing at it report.
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.languageId === 'json' || d.languageId === 'jsonc') refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('smoe.runsDirectory')) refresh();
    }),
  ];
}

/** Experiment files in the editor: diagnostics, quick fixes, CodeLens (also in flat expert maps) and commands. */
export function registerEditorFeatures(context: vscode.ExtensionContext): CommandTable {
  const analyzer = new ExperimentAnalyzer();
  const lenses = new ExperimentCodeLensProvider(analyzer);
  const flatLenses = new FlatMapCodeLensProvider(analyzer);
  context.subscriptions.push(
    analyzer,
    new ExperimentDiagnostics(analyzer),
    lenses,
    flatLenses,
    vscode.languages.registerCodeLensProvider(EXPERIMENT_SELECTOR, lenses),
    vscode.languages.registerCodeLensProvider(FLAT_MAP_SELECTOR, flatLenses),
    vscode.languages.registerCodeActionsProvider(EXPERIMENT_SELECTOR, new ExperimentCodeActionProvider(analyzer), ExperimentCodeActionProvider.metadata),
    ...watchInputs(analyzer),
    pollProbeRuns(analyzer),
  );
  return editorCommands(analyzer);
}
