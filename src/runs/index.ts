// Runs, the background worker client, the Experiments view and the dashboard: wiring and the command table.
import * as vscode from 'vscode';
import type { CommandHandlers } from '../commandIds';
import { DashboardManager } from '../panel/dashboardManager';
import { ExperimentsTreeProvider } from '../views/experimentsTree';
import { describeFailure, type WorkspaceModel } from '../workspace/workspaceModel';
import { announceFinished } from './finishedMessages';
import { cancelRun, createDemo, startEvaluate, startExperimentJob } from './jobCommands';
import { JobManager } from './jobManager';
import { JobOutputLog } from './outputLog';
import { ProgressNotifications } from './progressNotifications';
import { exportTrainingJob, importRunFolder } from './extraRoots';
import { compareRuns, exportAdapterCommand, openDashboard, revealRun } from './runCommands';
import { deleteRunCommand, editRunNote, labelRun, resumeRun, trainWith } from './runManagementCommands';
import type { RunServices } from './services';
import { runSweep } from './sweepCommands';
import { JobsStatusBar } from './statusBar';
import { registerTestHook, type WorkerOverride } from './testHook';

/** Cancel waits this long for the job to stop at a step boundary before the worker is terminated. */
const CANCEL_GRACE_MS = 10_000;

type RunCommandId =
  | 'smoe.probe' | 'smoe.train' | 'smoe.evaluate' | 'smoe.cancelRun' | 'smoe.openDashboard' | 'smoe.compareRuns'
  | 'smoe.exportAdapter' | 'smoe.showLogs' | 'smoe.createDemoWorkspace' | 'smoe.refreshExperiments' | 'smoe.openRunFolder'
  | 'smoe.resumeRun' | 'smoe.trainWith' | 'smoe.deleteRun' | 'smoe.labelRun' | 'smoe.editRunNote'
  | 'smoe.exportTrainingJob' | 'smoe.importRunFolder' | 'smoe.runSweep';

function commandTable(services: RunServices, model: WorkspaceModel): CommandHandlers<RunCommandId> {
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
    'smoe.refreshExperiments': () => model.refresh(),
    'smoe.openRunFolder': (arg: unknown) => revealRun(arg),
    'smoe.resumeRun': (arg: unknown) => resumeRun(services, arg),
    'smoe.trainWith': (arg: unknown) => trainWith(services, arg),
    'smoe.deleteRun': (arg: unknown) => deleteRunCommand(services, arg),
    'smoe.labelRun': (arg: unknown) => labelRun(services, arg),
    'smoe.editRunNote': (arg: unknown) => editRunNote(services, arg),
    'smoe.exportTrainingJob': (arg: unknown) => exportTrainingJob(services, arg),
    'smoe.importRunFolder': (arg: unknown) => importRunFolder(services, arg),
    'smoe.runSweep': (arg: unknown) => runSweep(services, arg),
  };
}

/** The job manager, the "LoRA-SMoE" output channel and the worker override the tests set: made before the model. */
export interface RunRuntime {
  jobs: JobManager;
  output: JobOutputLog;
  override: WorkerOverride;
}

export function createRunRuntime(context: vscode.ExtensionContext): RunRuntime {
  const override: WorkerOverride = {};
  const channel = vscode.window.createOutputChannel('LoRA-SMoE', { log: true });
  const jobs = new JobManager({
    script: () => override.script ?? context.asAbsolutePath('dist/worker.js'),
    cancelGraceMs: () => override.cancelGraceMs ?? CANCEL_GRACE_MS,
    onListenerError: (error) => channel.error(describeFailure('LoRA-SMoE: a job event listener failed', error)),
  });
  const output = new JobOutputLog(jobs, channel);
  context.subscriptions.push({ dispose: () => jobs.dispose() }, output);
  return { jobs, output, override };
}

export function registerRunFeatures(context: vscode.ExtensionContext, model: WorkspaceModel, runtime: RunRuntime): CommandHandlers<RunCommandId> {
  const { jobs, output, override } = runtime;
  const dashboards = new DashboardManager({ model, jobs, extensionUri: context.extensionUri });
  const services: RunServices = { store: model.runs, jobs, output, dashboards, runsChanged: () => model.note({ runs: true }) };
  const tree = new ExperimentsTreeProvider(model, jobs);
  context.subscriptions.push(
    dashboards, tree,
    vscode.window.createTreeView('smoe.experiments', { treeDataProvider: tree, showCollapseAll: true }),
    new ProgressNotifications(jobs, (job) => void announceFinished(services, job)),
    new JobsStatusBar(jobs),
  );
  if (context.extensionMode === vscode.ExtensionMode.Test) context.subscriptions.push(registerTestHook({ model, jobs, tree, dashboards, override }));
  return commandTable(services, model);
}
