// What the user is told when a job ends, with the next step as a button.
import * as vscode from 'vscode';
import type { JobInfo } from './jobManager';
import { outcomeText } from './progressNotifications';
import type { RunServices } from './services';

const OPEN_DASHBOARD = 'Open Dashboard';
const SHOW_LOGS = 'Show Logs';
const REVEAL_RUN = 'Reveal Run';
const OPEN_EXPERIMENT = 'Open Experiment';

export async function announceFinished(services: RunServices, job: JobInfo): Promise<void> {
  const outcome = job.outcome;
  if (!outcome) return;
  const text = `LoRA-SMoE: ${outcomeText(job, outcome)}`;
  const request = job.request;
  if (outcome.status === 'failed') {
    const choice = await vscode.window.showErrorMessage(text, SHOW_LOGS, ...(outcome.runDir ? [REVEAL_RUN] : []));
    if (choice === SHOW_LOGS) services.output.show();
    if (choice === REVEAL_RUN && outcome.runDir) await vscode.commands.executeCommand('smoe.openRunFolder', outcome.runDir);
    return;
  }
  if (request.kind === 'demo') {
    const experiment = outcome.status === 'succeeded' ? outcome.summary?.experimentFile : undefined;
    const choice = await vscode.window.showInformationMessage(text, ...(typeof experiment === 'string' ? [OPEN_EXPERIMENT] : []), SHOW_LOGS);
    if (choice === OPEN_EXPERIMENT && typeof experiment === 'string') await vscode.window.showTextDocument(vscode.Uri.file(experiment));
    if (choice === SHOW_LOGS) services.output.show();
    return;
  }
  const choice = await vscode.window.showInformationMessage(text, OPEN_DASHBOARD, SHOW_LOGS);
  if (choice === OPEN_DASHBOARD) await services.dashboards.open(request.experimentFile);
  if (choice === SHOW_LOGS) services.output.show();
}
