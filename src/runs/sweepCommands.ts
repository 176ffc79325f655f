// Run Sweep: every combination of the experiment's `sweep` lists as one background job (core/jobs/sweep), checked
// here first so that a plan that cannot run, or one larger than sweep.maxRuns, is settled before the worker starts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { planSweep, SweepPlanError, type SweepPlan } from '../core/jobs/sweepPlan';
import { userMessage } from '../core/runFolder/userMessage';
import { optionsOf, pickExperiment } from './experimentPick';
import { engineOptions, submit } from './jobCommands';
import type { RunServices } from './services';

const RUN_ALL = 'Run All';

/** The checked plan, or undefined after telling the user what to fix (file, field, fix). */
function checkedPlan(file: string): SweepPlan | undefined {
  try {
    const plan = planSweep(file);
    if (plan.loaded.experiment.sweep) return plan;
    void vscode.window.showErrorMessage(`LoRA-SMoE: ${path.basename(file)} has no "sweep" section; add one, e.g. "sweep": { "seeds": [1, 2, 3], "strategies": ["vote", "uniform"] }.`);
  } catch (error) {
    const detail = error instanceof SweepPlanError ? error.problems.map((p) => `${p.path}: ${p.message}`).join('; ') : userMessage(error);
    void vscode.window.showErrorMessage(`LoRA-SMoE: the sweep of ${path.basename(file)} cannot start: ${detail}`);
  }
  return undefined;
}

/** More runs than sweep.maxRuns start only after a yes (or `{ confirmed: true }` from a caller). */
async function confirmedSize(plan: SweepPlan, confirmed: boolean | undefined): Promise<boolean> {
  if (confirmed || plan.specs.length <= plan.maxRuns) return true;
  const choice = await vscode.window.showWarningMessage(
    `LoRA-SMoE: the sweep of ${path.basename(plan.loaded.file)} makes ${plan.specs.length} runs, more than sweep.maxRuns (${plan.maxRuns}). Run them all?`,
    { modal: true }, RUN_ALL,
  );
  return choice === RUN_ALL;
}

export async function runSweep(services: RunServices, arg: unknown): Promise<{ jobId: string } | undefined> {
  const file = await pickExperiment(services.store, arg, 'run a sweep');
  if (!file) return undefined;
  // The worker reads the file from disk: unsaved edits to the sweep would silently not count.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && path.resolve(d.uri.fsPath) === path.resolve(file));
  if (open?.isDirty) await open.save();
  const plan = checkedPlan(file);
  if (!plan || !(await confirmedSize(plan, optionsOf<{ confirmed: boolean }>(arg).confirmed))) return undefined;
  const request = { kind: 'sweep' as const, experimentFile: file, runsRoot: services.store.runsRoot(file), confirmed: true, ...engineOptions(services, file) };
  return submit(services, request, `Sweep ${path.basename(file)} (${plan.specs.length} runs)`);
}
