// What the user is told when a job ends, with the next step as a button.
import * as vscode from 'vscode';
import type { JobInfo } from './jobManager';
import { outcomeText } from './progressNotifications';
import type { RunServices } from './services';
import type { WorkerOutcome } from './workerProcess';

const OPEN_DASHBOARD = 'Open Dashboard';
const SHOW_LOGS = 'Show Logs';
const REVEAL_RUN = 'Reveal Run';

async function announceFailure(services: RunServices, text: string, runDir: string | undefined): Promise<void> {
  const choice = await vscode.window.showErrorMessage(text, SHOW_LOGS, ...(runDir ? [REVEAL_RUN] : []));
  if (choice === SHOW_LOGS) services.output.show();
  else if (choice === REVEAL_RUN) await vscode.commands.executeCommand('smoe.openRunFolder', runDir);
}

/** A finished demo opens its experiment file and dashboard at once (issue: "opens the experiment file and the dashboard"). */
async function announceDemo(services: RunServices, text: string, outcome: WorkerOutcome): Promise<void> {
  const experiment = outcome.status === 'succeeded' ? outcome.summary?.experimentFile : undefined;
  if (typeof experiment === 'string') {
    await vscode.window.showTextDocument(vscode.Uri.file(experiment), { preview: false });
    await services.dashboards.open(experiment);
  }
  const choice = await vscode.window.showInformationMessage(text, SHOW_LOGS);
  if (choice === SHOW_LOGS) services.output.show();
}

export async function announceFinished(services: RunServices, job: JobInfo): Promise<void> {
  const { outcome, request } = job;
  if (!outcome) return;
  const text = `LoRA-SMoE: ${outcomeText(job, outcome)}`;
  if (outcome.status === 'failed') return announceFailure(services, text, outcome.runDir);
  if (request.kind === 'demo') return announceDemo(services, text, outcome);
  const choice = await vscode.window.showInformationMessage(text, OPEN_DASHBOARD, SHOW_LOGS);
  if (choice === OPEN_DASHBOARD) await services.dashboards.open(request.experimentFile);
  else if (choice === SHOW_LOGS) services.output.show();
}
