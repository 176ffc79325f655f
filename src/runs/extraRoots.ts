// The setting smoe.extraRunRoots (folders of runs brought back from elsewhere) and the commands around it:
// Import Run Folder… adds a folder to it; Export Training Job… writes a PyTorch job whose runs come back that way.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunEntry } from './runListing';
import { mergeRuns, runsInRoots } from './broughtBack';
import { optionsOf, pickExperiment } from './experimentPick';
import { submit } from './jobCommands';
import type { RunServices } from './services';

export const EXTRA_RUN_ROOTS = 'extraRunRoots';

/** The configured roots, relative ones resolved against the first workspace folder. */
export function extraRunRoots(): string[] {
  const configured = vscode.workspace.getConfiguration('smoe').get<unknown>(EXTRA_RUN_ROOTS, []);
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  return (Array.isArray(configured) ? configured : [])
    .filter((root): root is string => typeof root === 'string' && root.trim() !== '')
    .map((root) => path.resolve(base, root.trim()));
}

/** Local runs plus the brought-back ones (from every extra root), before filtering by experiment. */
export function withBroughtBackRuns(local: readonly RunEntry[]): RunEntry[] {
  const roots = extraRunRoots();
  return roots.length === 0 ? [...local] : mergeRuns(local, runsInRoots(roots));
}

async function chooseFolder(title: string, openLabel: string): Promise<string | undefined> {
  const chosen = await vscode.window.showOpenDialog({ title, canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel });
  return chosen?.[0]?.fsPath;
}

/** Adds a run folder (or a folder of runs, e.g. an exported job's runs/) to smoe.extraRunRoots in this workspace. */
export async function importRunFolder(services: RunServices, arg: unknown): Promise<string | undefined> {
  const dir = optionsOf<{ dir: string }>(arg).dir ?? (await chooseFolder('LoRA-SMoE: Import Run Folder', 'Import runs from here'));
  if (!dir) return undefined;
  const config = vscode.workspace.getConfiguration('smoe');
  const current = config.get<unknown>(EXTRA_RUN_ROOTS, []);
  const roots = Array.isArray(current) ? current.filter((r): r is string => typeof r === 'string') : [];
  const resolved = path.resolve(dir);
  if (!extraRunRoots().includes(resolved)) {
    const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await config.update(EXTRA_RUN_ROOTS, [...roots, resolved], target);
  }
  const runs = runsInRoots([resolved]);
  const incomplete = runs.filter((r) => r.incomplete).length;
  void vscode.window.showInformationMessage(`LoRA-SMoE: ${runs.length} run(s) from ${resolved}${incomplete ? ` (${incomplete} incomplete)` : ''} now show in the Experiments view.`);
  return resolved;
}

/** Writes a self-contained PyTorch job for an experiment into a chosen folder (the worker runs `export-job`). */
export async function exportTrainingJob(services: RunServices, arg: unknown): Promise<{ jobId: string } | undefined> {
  const file = await pickExperiment(services.store, arg, 'export a training job');
  if (!file) return undefined;
  const options = optionsOf<{ outDir: string; launcher: 'accelerate' | 'torchrun'; deepspeed: 'none' | 'zero2' | 'zero3' }>(arg);
  const outDir = options.outDir ?? (await chooseFolder('LoRA-SMoE: Export Training Job', 'Write the job here'));
  if (!outDir) return undefined;
  const deepspeed = options.deepspeed ?? (await chooseDeepspeed());
  if (!deepspeed) return undefined;
  const request = { kind: 'export-job' as const, experimentFile: file, outDir, deepspeed, ...(options.launcher ? { launcher: options.launcher } : {}) };
  return submit(services, request, `Export training job of ${path.basename(file)}`);
}

/** How the exported job shards across GPUs (ds_zero2.json and ds_zero3.json are written either way). */
async function chooseDeepspeed(): Promise<'none' | 'zero2' | 'zero3' | undefined> {
  const items = [
    { label: 'No DeepSpeed', description: 'every GPU holds the whole model (DDP-style)', value: 'none' as const },
    { label: 'DeepSpeed ZeRO-2', description: 'optimizer state and gradients partitioned across GPUs', value: 'zero2' as const },
    { label: 'DeepSpeed ZeRO-3', description: 'parameters partitioned too, the frozen base included (largest models)', value: 'zero3' as const },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'LoRA-SMoE: Export Training Job', placeHolder: 'Distributed setup of the exported job' });
  return picked?.value;
}
