// Open Dashboard, Compare Runs, Export Adapter and Reveal Run in Explorer.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { exportAdapter } from '../core/jobs/exportAdapter';
import { runDisplayName } from '../core/runFolder/runManagement';
import { isRunNode } from '../views/nodes';
import { optionsOf, pickExperiment } from './experimentPick';
import { chooseExportFolder, confirmOverwrite } from './exportDestination';
import type { RunEntry } from './runListing';
import type { RunServices } from './services';

export async function openDashboard(services: RunServices, arg: unknown): Promise<void> {
  const file = await pickExperiment(services.store, arg, 'open the dashboard');
  if (!file) return;
  const trainingRun = isRunNode(arg) && arg.entry.record.kind === 'train' ? arg.entry.id : undefined;
  await services.dashboards.open(file, { trainingRun });
}

export async function compareRuns(services: RunServices, arg: unknown): Promise<void> {
  const file = await pickExperiment(services.store, arg, 'compare runs');
  if (!file) return;
  let ids = optionsOf<{ runIds: string[] }>(arg).runIds;
  if (!ids) {
    const runs = services.store.runsOf(file).filter((r) => r.record.kind === 'train' || r.record.kind === 'evaluate');
    if (runs.length < 2) {
      // Nothing of this file to overlay; the comparison table still spans every experiment file's sweeps and runs.
      await services.dashboards.open(file, { section: 'comparison' });
      return;
    }
    const picked = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: `${r.record.kind} ${r.id}`, description: r.record.status, id: r.id })),
      { title: 'LoRA-SMoE: Compare Runs', placeHolder: 'Pick the training and evaluation runs to compare', canPickMany: true },
    );
    if (!picked || picked.length === 0) return;
    ids = picked.map((p) => p.id);
  }
  // The picked runs' loss curves overlay in the training section; the comparison table (configurations across files,
  // mean ± CI over seeds) is scrolled to.
  await services.dashboards.open(file, { compare: ids, section: 'comparison' });
}

const hasAdapter = (run: RunEntry) => fs.existsSync(path.join(run.dir, 'adapter_config.json'));

async function trainingRunFor(services: RunServices, arg: unknown): Promise<string | undefined> {
  if (isRunNode(arg)) return arg.entry.dir;
  const given = optionsOf<{ runDir: string }>(arg).runDir;
  if (given) return given;
  const file = await pickExperiment(services.store, arg, 'export an adapter');
  if (!file) return undefined;
  const runs = services.store.runsOf(file).filter((r) => r.record.kind === 'train' && hasAdapter(r));
  if (runs.length === 0) {
    void vscode.window.showErrorMessage(`LoRA-SMoE: no training run of ${path.basename(file)} has an adapter yet (adapter_config.json is written when training finishes). Run "LoRA-SMoE: Train" first.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(runs.map((r) => ({ label: r.id, description: r.record.status, dir: r.dir })), { title: 'LoRA-SMoE: Export Adapter', placeHolder: 'Which training run?' });
  return picked?.dir;
}

export async function exportAdapterCommand(services: RunServices, arg: unknown): Promise<string[] | undefined> {
  const runDir = await trainingRunFor(services, arg);
  if (!runDir) return undefined;
  const options = optionsOf<{ outDir: string; overwrite: boolean }>(arg);
  const runName = isRunNode(arg) ? runDisplayName(arg.entry.record) : path.basename(runDir);
  const outDir = options.outDir ?? (await chooseExportFolder(runDir, runName));
  if (!outDir || !(await confirmOverwrite(outDir, options.overwrite))) return undefined;
  try {
    const written = exportAdapter(runDir, outDir);
    void vscode.window.showInformationMessage(`LoRA-SMoE: exported ${written.map((f) => path.basename(f)).join(', ')} to ${outDir}.`);
    return written;
  } catch (error) {
    void vscode.window.showErrorMessage(`LoRA-SMoE: cannot export the adapter: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function runDirOf(arg: unknown): string | undefined {
  if (isRunNode(arg)) return arg.entry.dir;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  return typeof arg === 'string' ? arg : undefined;
}

export async function revealRun(arg: unknown): Promise<void> {
  const dir = runDirOf(arg);
  if (!dir) {
    void vscode.window.showInformationMessage('LoRA-SMoE: pick a run in the Experiments view to reveal its folder.');
    return;
  }
  const uri = vscode.Uri.file(fs.existsSync(path.join(dir, 'run.json')) ? path.join(dir, 'run.json') : dir);
  const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
  await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', uri);
}
