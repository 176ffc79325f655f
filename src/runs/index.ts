// Runs, the background worker client, the Experiments view and the dashboard: wiring and the command table.
import * as vscode from 'vscode';
import type { CommandTable } from '../commandIds';
import { ExperimentAnalyzer } from '../editor/analysis';
import { DashboardManager } from '../panel/dashboardManager';
import { ExperimentsTreeProvider } from '../views/experimentsTree';
import { announceFinished } from './finishedMessages';
import { cancelRun, createDemo, startEvaluate, startExperimentJob } from './jobCommands';
import { JobManager } from './jobManager';
import { JobOutputLog } from './outputLog';
import { ProgressNotifications } from './progressNotifications';
import { compareRuns, exportAdapterCommand, openDashboard, revealRun } from './runCommands';
import { RunStore } from './runStore';
import type { RunServices } from './services';
import { JobsStatusBar } from './statusBar';
import { registerTestHook, type WorkerOverride } from './testHook';

/** Cancel waits this long for the job to stop at a step boundary before the worker is terminated. */
const CANCEL_GRACE_MS = 10_000;

function commandTable(services: RunServices): CommandTable {
  return {
    'smoe.probe': (arg: unknown) => startExperimentJob(services, 'probe', arg),
    'smoe.train': (arg: unknown) => startExperimentJob(services, 'train', arg),
    'smoe.evaluate': (arg: unknown) => startEvaluate(services, arg),
    'smoe.cancelRun': (arg: unknown) => cancelRun(services, arg),
    'smoe.openDashboard': (arg: unknown) => openDashboard(services, arg),
    'smoe.compareRuns': (arg: unknown) => compareRuns(services, arg),
    'smoe.exportAdapter': (arg: unknown) => exportAdapterCommand(services, arg),
    'smoe.showLogs': () => services.output.show(),
    'smoe.createDemoWorkspace': (arg: unknown) => createDemo(services, arg),
    'smoe.refreshExperiments': () => services.store.refresh(),
    'smoe.openRunFolder': (arg: unknown) => revealRun(arg),
  };
}

/** The dashboards' analysis reads the newest probe result: re-read it when one appears (from any process). */
function invalidateOnProbeResults(analyzer: ExperimentAnalyzer, jobs: JobManager): vscode.Disposable[] {
  const watcher = vscode.workspace.createFileSystemWatcher('**/{sensitivity,run}.json');
  const invalidate = () => analyzer.invalidate();
  // Jobs that write outside the workspace are not seen by the watcher; their end is.
  const finished = jobs.onEvent((e) => { if (e.type === 'finished') invalidate(); });
  return [watcher, watcher.onDidCreate(invalidate), watcher.onDidChange(invalidate), watcher.onDidDelete(invalidate), { dispose: () => finished.dispose() }];
}

export function registerRunFeatures(context: vscode.ExtensionContext): CommandTable {
  const override: WorkerOverride = {};
  const jobs = new JobManager({
    script: () => override.script ?? context.asAbsolutePath('dist/worker.js'),
    cancelGraceMs: () => override.cancelGraceMs ?? CANCEL_GRACE_MS,
  });
  const store = new RunStore(jobs);
  const output = new JobOutputLog(jobs);
  const analyzer = new ExperimentAnalyzer();
  const dashboards = new DashboardManager({ store, jobs, analyzer, extensionUri: context.extensionUri });
  const services: RunServices = { store, jobs, output, dashboards };
  const tree = new ExperimentsTreeProvider(store, jobs);
  context.subscriptions.push(
    { dispose: () => jobs.dispose() },
    store, output, analyzer, dashboards, tree,
    ...invalidateOnProbeResults(analyzer, jobs),
    vscode.window.createTreeView('smoe.experiments', { treeDataProvider: tree, showCollapseAll: true }),
    new ProgressNotifications(jobs, (job) => void announceFinished(services, job)),
    new JobsStatusBar(jobs),
  );
  if (context.extensionMode === vscode.ExtensionMode.Test) context.subscriptions.push(registerTestHook({ jobs, tree, dashboards, override }));
  return commandTable(services);
}
