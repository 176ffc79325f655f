// Workspaces and hook calls for the runs/dashboard suite.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { WorkerOutcome } from '../../../src/runs/workerProcess';
import type { ExchangeLog } from '../../../src/panel/dashboardPanel';
import type { RenderedItem } from '../../../src/runs/testHook';
import { FAKE_RELEASE_FILE, FAKE_SCRIPT_FILE, type FakeWorkerScript } from '../../fixtures/runs/fakeWorker';
import { writeTinyWorkspace } from '../../unit/train/tinyWorkspace';
import { pollUntil, workspaceRoot } from './manifest';

export const FAKE_WORKER = path.join(__dirname, '..', '..', 'fixtures', 'runs', 'fakeWorker.js');

export interface JobView {
  id: string;
  kind: string;
  state: string;
  pid?: number;
  runDir?: string;
  outcome?: WorkerOutcome;
  progress?: { done: number; total: number };
}

export const hook = <T>(op: string, args: Record<string, unknown> = {}) => vscode.commands.executeCommand<T>('smoe.test.hook', op, args);

export function uniqueDir(label: string): string {
  const dir = path.join(workspaceRoot().fsPath, `${label}-${Date.now().toString(36)}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** An experiment the fake worker runs as `script` says (it does not read the experiment itself). */
export function fakeExperiment(label: string, script: FakeWorkerScript): string {
  const dir = uniqueDir(label);
  fs.writeFileSync(path.join(dir, FAKE_SCRIPT_FILE), JSON.stringify(script));
  const file = path.join(dir, `${label}.smoe.json`);
  fs.writeFileSync(file, JSON.stringify({ name: label, model: { path: 'model' }, tasks: [{ name: 'a', train: 'a.json' }] }, null, 2));
  return file;
}

export function setFakeScript(experimentFile: string, script: FakeWorkerScript): void {
  fs.writeFileSync(path.join(path.dirname(experimentFile), FAKE_SCRIPT_FILE), JSON.stringify(script));
}

/** Lets fake jobs of this experiment that wait at `holdAtStep` go on. */
export function releaseFakeJobs(experimentFile: string): void {
  fs.writeFileSync(path.join(path.dirname(experimentFile), FAKE_RELEASE_FILE), '');
}

/** The training engineer's tiny model workspace (random 2-layer LLaMA, tokenizer, two tasks), copied into the workspace. */
export function realExperiment(label: string): string {
  const tiny = writeTinyWorkspace({ training: { maxSteps: 6, microBatchSize: 4, learningRate: 0.05, warmupSteps: 2, checkpointEvery: 3, maxLength: 96, seed: 3 } });
  const dir = uniqueDir(label);
  fs.cpSync(tiny.dir, dir, { recursive: true });
  fs.rmSync(tiny.dir, { recursive: true, force: true });
  return path.join(dir, path.basename(tiny.experimentFile));
}

export async function jobs(): Promise<JobView[]> {
  return (await hook<JobView[]>('jobs')) ?? [];
}

export async function job(jobId: string): Promise<JobView | undefined> {
  return (await jobs()).find((j) => j.id === jobId);
}

export async function waitJob(jobId: string): Promise<WorkerOutcome> {
  const outcome = await hook<WorkerOutcome>('waitJob', { jobId });
  if (!outcome) throw new Error(`job ${jobId} is unknown to the job manager`);
  return outcome;
}

export async function pollAsync<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The runs under the experiment file in the Experiments view, as rendered (label, description, icon, context value). */
export async function treeRuns(experimentFile: string): Promise<RenderedItem[] | undefined> {
  const tree = (await hook<RenderedItem[]>('tree')) ?? [];
  const folder = path.basename(path.dirname(experimentFile));
  const item = tree.find((i) => i.label === path.basename(experimentFile) && (i.description ?? '').endsWith(folder));
  return item?.children;
}

export function waitForRunItem(experimentFile: string, match: (item: RenderedItem) => boolean, what: string, timeoutMs = 15_000): Promise<RenderedItem> {
  return pollAsync(async () => (await treeRuns(experimentFile))?.find(match), timeoutMs, `${what} in the Experiments view`);
}

export function waitForExchange(file: string, match: (log: ExchangeLog) => boolean, timeoutMs = 30_000): Promise<ExchangeLog> {
  return pollAsync(async () => {
    const log = await hook<ExchangeLog>('dashboard', { file });
    return log && match(log) ? log : undefined;
  }, timeoutMs, 'the dashboard message exchange');
}

export { pollUntil };
