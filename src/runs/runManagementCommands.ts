// Resume, Train with…, Delete, Rename and Note: the run commands of the Experiments view's context menu.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isObject } from '../core/experiment/lenient';
import { TRAINING_OVERRIDE_KEYS, type JobRequest, type TrainingOverrides } from '../core/jobs/requests';
import { annotateRun, deleteRun, LABEL_MAX, runDisplayName } from '../core/runFolder/runManagement';
import { readRunRecord, type RunRecord } from '../core/runFolder/runFolder';
import { isRunNode } from '../views/nodes';
import { optionsOf, pickExperiment } from './experimentPick';
import { engineOptions, submit } from './jobCommands';
import type { RunServices } from './services';

/** A run from the tree, or `{ runDir }` (tests, other features). */
function runOf(arg: unknown): { dir: string; record: RunRecord; experimentFile?: string } | undefined {
  if (isRunNode(arg)) return { dir: arg.entry.dir, record: arg.entry.record, experimentFile: arg.experimentFile };
  const dir = optionsOf<{ runDir: string }>(arg).runDir;
  const record = dir ? readRunRecord(dir) : undefined;
  return dir && record ? { dir, record, experimentFile: record.experiment } : undefined;
}

function needRun(arg: unknown, action: string): ReturnType<typeof runOf> {
  const run = runOf(arg);
  if (!run) void vscode.window.showInformationMessage(`LoRA-SMoE: pick a run in the Experiments view to ${action} it.`);
  return run;
}

const isLive = (services: RunServices, dir: string) => services.jobs.jobs().some((j) => j.runDir && path.resolve(j.runDir) === path.resolve(dir));

export async function resumeRun(services: RunServices, arg: unknown): Promise<{ jobId: string } | undefined> {
  const run = needRun(arg, 'resume');
  if (!run) return undefined;
  if (run.record.kind !== 'train' || run.record.status === 'succeeded' || run.record.status === 'running' || isLive(services, run.dir)) {
    void vscode.window.showErrorMessage(`LoRA-SMoE: only a cancelled or failed training run can be resumed; ${runDisplayName(run.record)} is a ${run.record.status} ${run.record.kind} run.`);
    return undefined;
  }
  const file = run.experimentFile ?? (await pickExperiment(services.store, arg, 'resume a run'));
  if (!file) return undefined;
  const request: JobRequest = { kind: 'train', experimentFile: file, runsRoot: services.store.runsRoot(file), resumeRun: run.dir, ...engineOptions(services, file) };
  return submit(services, request, `Resume ${runDisplayName(run.record)}`);
}

const OVERRIDE_PROMPTS: Record<(typeof TRAINING_OVERRIDE_KEYS)[number], { title: string; whole: boolean; min: number }> = {
  maxSteps: { title: 'training.maxSteps (optimizer steps)', whole: true, min: 1 },
  learningRate: { title: 'training.learningRate (peak learning rate)', whole: false, min: 0 },
  seed: { title: 'training.seed (data order and adapter initialisation)', whole: true, min: 0 },
};

/** Why `text` is not a valid value for `key`; undefined when it is. */
export function overrideProblem(key: keyof typeof OVERRIDE_PROMPTS, text: string): string | undefined {
  const { whole, min } = OVERRIDE_PROMPTS[key];
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) return `${key}: enter a number`;
  if (whole && !Number.isInteger(value)) return `${key}: enter a whole number`;
  if (key === 'learningRate' ? value <= min : value < min) return `${key}: must be ${key === 'learningRate' ? 'greater than' : 'at least'} ${min}`;
  return undefined;
}

/** The file's current training values (the prompts start from them, so Enter keeps a value). */
function currentTraining(services: RunServices, file: string): Record<string, unknown> {
  const value = services.store.experimentValue(file);
  return isObject(value) && isObject(value.training) ? value.training : {};
}

async function askOverrides(current: Record<string, unknown>): Promise<TrainingOverrides | undefined> {
  const out: TrainingOverrides = {};
  for (const [i, key] of TRAINING_OVERRIDE_KEYS.entries()) {
    const before = typeof current[key] === 'number' ? String(current[key]) : '';
    const text = await vscode.window.showInputBox({
      title: `LoRA-SMoE: Train with… (${i + 1}/${TRAINING_OVERRIDE_KEYS.length})`, prompt: `${OVERRIDE_PROMPTS[key].title}; the experiment file is not changed`,
      value: before, placeHolder: 'leave empty to keep the file\'s value', validateInput: (t) => (t.trim() === '' ? undefined : overrideProblem(key, t)),
    });
    if (text === undefined) return undefined;
    if (text.trim() !== '' && text.trim() !== before) out[key] = Number(text.trim());
  }
  return out;
}

/** "Train with…": a training run of the experiment with maxSteps / learningRate / seed overridden; run.json records them. */
export async function trainWith(services: RunServices, arg: unknown): Promise<{ jobId: string } | undefined> {
  const file = (isRunNode(arg) ? arg.experimentFile : undefined) ?? (await pickExperiment(services.store, arg, 'train with overrides'));
  if (!file) return undefined;
  const given = optionsOf<{ overrides: TrainingOverrides }>(arg).overrides;
  const overrides = given ?? (await askOverrides(currentTraining(services, file)));
  if (!overrides) return undefined;
  const request: JobRequest = { kind: 'train', experimentFile: file, runsRoot: services.store.runsRoot(file), ...engineOptions(services, file), ...overrides };
  const said = Object.entries(overrides).map(([k, v]) => `${k} ${v}`).join(', ');
  return submit(services, request, `Train ${path.basename(file)}${said ? ` (${said})` : ''}`);
}

/** Delete Run: asks first (modal), refuses a running run; `{ runDir, confirmed: true }` skips the question. */
export async function deleteRunCommand(services: RunServices, arg: unknown): Promise<boolean> {
  const run = needRun(arg, 'delete');
  if (!run) return false;
  if (run.record.status === 'running' || isLive(services, run.dir)) {
    void vscode.window.showErrorMessage(`LoRA-SMoE: ${runDisplayName(run.record)} is running; cancel it before deleting it.`);
    return false;
  }
  if (!optionsOf<{ confirmed: boolean }>(arg).confirmed) {
    const answer = await vscode.window.showWarningMessage(
      `Delete the ${run.record.kind} run ${runDisplayName(run.record)}?`,
      { modal: true, detail: `${run.dir} and everything in it (checkpoints, results, logs) will be removed from disk. This cannot be undone.` },
      'Delete',
    );
    if (answer !== 'Delete') return false;
  }
  try {
    deleteRun(run.dir);
  } catch (error) {
    void vscode.window.showErrorMessage(`LoRA-SMoE: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  services.store.events.forget(run.dir);
  services.runsChanged();
  return true;
}

async function annotate(services: RunServices, arg: unknown, key: 'label' | 'note'): Promise<RunRecord | undefined> {
  const run = needRun(arg, key === 'label' ? 'rename' : 'annotate');
  if (!run) return undefined;
  let value = optionsOf<Record<'label' | 'note', string>>(arg)[key];
  if (value === undefined) {
    value = await vscode.window.showInputBox({
      title: key === 'label' ? `LoRA-SMoE: Rename ${run.record.id}` : `LoRA-SMoE: Note on ${runDisplayName(run.record)}`,
      prompt: key === 'label' ? 'A name shown instead of the run id (empty: back to the id). Kept in run.json.' : 'A note kept in run.json and shown in the tree tooltip and on the dashboard (empty: remove it).',
      value: run.record[key] ?? '',
      validateInput: (t) => (key === 'label' && t.trim().length > LABEL_MAX ? `At most ${LABEL_MAX} characters; put longer text in the note.` : undefined),
    });
    if (value === undefined) return undefined;
  }
  try {
    const record = annotateRun(run.dir, { [key]: value });
    services.runsChanged();
    return record;
  } catch (error) {
    void vscode.window.showErrorMessage(`LoRA-SMoE: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

export const labelRun = (services: RunServices, arg: unknown) => annotate(services, arg, 'label');
export const editRunNote = (services: RunServices, arg: unknown) => annotate(services, arg, 'note');
