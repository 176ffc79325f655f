// What the user is told when a job ends, with the next step as a button.
import * as vscode from 'vscode';
import { skippedSummary } from '../core/jobs/checkInputs';
import type { JobInfo } from './jobManager';
import { outcomeText } from './progressNotifications';
import type { RunServices } from './services';
import type { WorkerOutcome } from './workerProcess';
import { sweepHeadline } from './sweepHeadline';
import type { SweepComparison } from '../core/jobs/sweepSummary';

const OPEN_DASHBOARD = 'Open Dashboard';
const SHOW_LOGS = 'Show Logs';
const REVEAL_RUN = 'Reveal Run';
const OPEN_COMPARISON = 'Open Comparison';

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

/** A finished sweep gives its headline comparison and opens the dashboard's comparison on request. */
async function announceSweep(services: RunServices, experimentFile: string, job: JobInfo, comparison: unknown): Promise<void> {
  const choice = await vscode.window.showInformationMessage(`LoRA-SMoE: ${job.label} finished. ${sweepHeadline(comparison as SweepComparison | undefined)}`, OPEN_COMPARISON, SHOW_LOGS);
  if (choice === OPEN_COMPARISON) await services.dashboards.open(experimentFile, { section: 'comparison' });
  else if (choice === SHOW_LOGS) services.output.show();
}

export async function announceFinished(services: RunServices, job: JobInfo): Promise<void> {
  const { outcome, request } = job;
  if (!outcome) return;
  const skipped = skippedSummary(job.skippedRecords);
  const text = `LoRA-SMoE: ${outcomeText(job, outcome)}${skipped ? `. ${skipped}` : ''}`;
  if (outcome.status === 'failed') return announceFailure(services, text, outcome.runDir);
  if (request.kind === 'demo') return announceDemo(services, text, outcome);
  if (request.kind === 'sweep' && outcome.status === 'succeeded') return announceSweep(services, request.experimentFile, job, outcome.summary?.comparison);
  // Records left out change what the numbers mean: a warning, not a plain "finished".
  const show = skipped ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(text, OPEN_DASHBOARD, SHOW_LOGS);
  if (choice === OPEN_DASHBOARD) await services.dashboards.open(request.experimentFile);
  else if (choice === SHOW_LOGS) services.output.show();
}
