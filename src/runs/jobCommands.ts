// Probe Sensitivity, Train, Evaluate, Cancel Run and Create Demo Workspace: jobs for the background worker.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { engineSettings } from '../config';
import { isObject } from '../core/experiment/lenient';
import type { EngineOptions, JobRequest } from '../core/jobs/requests';
import { nothingToEvaluate } from '../core/train/evalReport';
import { isJobNode, isRunNode } from '../views/nodes';
import { optionsOf, pickExperiment } from './experimentPick';
import type { JobInfo } from './jobManager';
import type { RunServices } from './services';

export interface JobOptions {
  maxSteps: number;
  resumeRun: string;
  adapterRun: string | null;
  limit: number;
}

/** The experiment file's `device`/`threads` win over the settings (the settings' description says so). */
export function engineOptions(services: RunServices, file: string): EngineOptions {
  const value = services.store.experimentValue(file);
  const settings = engineSettings();
  const fileDevice = isObject(value) && typeof value.device === 'string';
  const fileThreads = isObject(value) && typeof value.threads === 'number';
  return {
    ...(!fileDevice && settings.device !== 'auto' ? { device: settings.device } : {}),
    ...(!fileThreads && settings.threads > 0 ? { threads: settings.threads } : {}),
  };
}

export function submit(services: RunServices, request: JobRequest, label: string): { jobId: string } {
  const job = services.jobs.submit(request, label);
  if (job.state === 'queued') {
    void vscode.window.showInformationMessage(`LoRA-SMoE: ${label} is queued; it starts when the running job of this experiment ends.`);
  }
  return { jobId: job.id };
}

export async function startExperimentJob(services: RunServices, kind: 'probe' | 'train', arg: unknown): Promise<{ jobId: string } | undefined> {
  const file = await pickExperiment(services.store, arg, kind === 'probe' ? 'probe sensitivity' : 'train');
  if (!file) return undefined;
  const options = optionsOf<JobOptions>(arg);
  const base = { experimentFile: file, runsRoot: services.store.runsRoot(file), ...engineOptions(services, file) };
  const request: JobRequest = kind === 'probe'
    ? { kind, ...base }
    : { kind, ...base, ...(options.maxSteps ? { maxSteps: options.maxSteps } : {}), ...(options.resumeRun ? { resumeRun: options.resumeRun } : {}) };
  return submit(services, request, `${kind === 'probe' ? 'Probe' : 'Train'} ${path.basename(file)}`);
}

/** The adapter to evaluate: a training run from the tree or options, else a pick (base model or a finished training run). */
async function adapterFor(services: RunServices, file: string, arg: unknown): Promise<string | null | undefined> {
  if (isRunNode(arg) && arg.entry.record.kind === 'train') return arg.entry.dir;
  const options = optionsOf<JobOptions>(arg);
  if (options.adapterRun !== undefined) return options.adapterRun;
  const trained = services.store.runsOf(file).filter((r) => r.record.kind === 'train' && fs.existsSync(path.join(r.dir, 'adapter_config.json')));
  if (trained.length === 0) return null;
  // Newest adapter first: right after training, Enter evaluates what was just trained.
  const items = [
    ...trained.map((r) => ({ label: `Adapter of ${r.id}`, description: r.record.status, dir: r.dir as string | null })),
    { label: 'Base model', description: 'no adapter', dir: null as string | null },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'LoRA-SMoE: Evaluate', placeHolder: 'Evaluate the base model or a trained adapter?' });
  return picked ? picked.dir : undefined;
}

export async function startEvaluate(services: RunServices, arg: unknown): Promise<{ jobId: string } | undefined> {
  const file = await pickExperiment(services.store, arg, 'evaluate');
  if (!file) return undefined;
  const value = services.store.experimentValue(file);
  const refused = nothingToEvaluate(path.basename(file), isObject(value) && Array.isArray(value.tasks) ? value.tasks.filter(isObject) : []);
  if (refused) {
    void vscode.window.showErrorMessage(`LoRA-SMoE: ${refused}.`);
    return undefined;
  }
  const adapter = await adapterFor(services, file, arg);
  if (adapter === undefined) return undefined;
  const { limit } = optionsOf<JobOptions>(arg);
  const request: JobRequest = {
    kind: 'evaluate', experimentFile: file, runsRoot: services.store.runsRoot(file), ...engineOptions(services, file),
    ...(adapter ? { adapterRun: adapter } : {}), ...(limit ? { limit } : {}),
  };
  return submit(services, request, `Evaluate ${path.basename(file)}${adapter ? ` (adapter ${path.basename(adapter)})` : ' (base model)'}`);
}

function jobToCancel(services: RunServices, arg: unknown): JobInfo | undefined | 'none' {
  if (isJobNode(arg)) return services.jobs.job(arg.job.id);
  if (typeof arg === 'string') return services.jobs.job(arg);
  if (isRunNode(arg)) {
    const job = services.jobs.jobs().find((j) => j.runDir && path.resolve(j.runDir) === path.resolve(arg.entry.dir));
    if (!job) {
      void vscode.window.showWarningMessage(`LoRA-SMoE: run ${arg.entry.id} is not a job of this window (process ${arg.entry.record.pid}); stop it where it was started (e.g. Ctrl+C in the terminal running smoe).`);
      return 'none';
    }
    return job;
  }
  return undefined;
}

export async function cancelRun(services: RunServices, arg: unknown): Promise<boolean> {
  const direct = jobToCancel(services, arg);
  if (direct === 'none') return false;
  if (direct) return services.jobs.cancel(direct.id);
  const active = services.jobs.jobs();
  if (active.length === 0) {
    void vscode.window.showInformationMessage('LoRA-SMoE: no job is running or queued.');
    return false;
  }
  const picked = active.length === 1 ? active[0] : (await vscode.window.showQuickPick(
    active.map((job) => ({ label: job.label, description: job.state, job })), { title: 'LoRA-SMoE: Cancel Run', placeHolder: 'Which job?' },
  ))?.job;
  return picked ? services.jobs.cancel(picked.id) : false;
}

interface DemoOptions {
  outDir: string;
  quick: boolean;
}

async function demoFolder(): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const suggested = folder ? path.join(folder.uri.fsPath, 'smoe-demo') : undefined;
  const items = [
    ...(suggested ? [{ label: `$(folder) ${vscode.workspace.asRelativePath(suggested)}`, description: 'in this workspace', dir: suggested as string | undefined }] : []),
    { label: '$(folder-opened) Choose a folder…', description: '', dir: undefined as string | undefined },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'LoRA-SMoE: Create Demo Workspace', placeHolder: 'Where should the demo workspace be written?' });
  if (!picked) return undefined;
  if (picked.dir) return picked.dir;
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Write the demo here' });
  return chosen?.[0]?.fsPath;
}

export async function createDemo(services: RunServices, arg: unknown): Promise<{ jobId: string } | undefined> {
  const options = optionsOf<DemoOptions>(arg);
  const outDir = options.outDir ?? (await demoFolder());
  if (!outDir) return undefined;
  let quick = options.quick;
  if (quick === undefined) {
    const size = await vscode.window.showQuickPick(
      [{ label: 'Quick', description: 'a 2-layer model and short runs (a few minutes on a CPU)', quick: true }, { label: 'Full', description: 'a 4-layer model and longer runs', quick: false }],
      { title: 'LoRA-SMoE: Create Demo Workspace', placeHolder: 'How big a demo?' },
    );
    if (!size) return undefined;
    quick = size.quick;
  }
  const { device, threads } = engineSettings();
  const engine = { ...(device !== 'auto' ? { device } : {}), ...(threads > 0 ? { threads } : {}) };
  return submit(services, { kind: 'demo', outDir, quick, ...engine }, `Demo workspace in ${outDir}`);
}
