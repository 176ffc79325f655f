import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { newExperimentText, taskNameFromFile, testFileCandidates, type NewTask } from '../../core/experiment/defaults';

/** What New Experiment accepts without UI (absolute paths); anything left out is asked for. */
export interface NewExperimentOptions {
  modelPath?: string;
  taskFiles?: string[];
  /** The experiment file to write; absent: `<name>.smoe.json` in the first workspace folder. */
  target?: string;
  name?: string;
}

function relativeTo(dir: string, file: string): string {
  const relative = path.relative(dir, file).split(path.sep).join('/');
  return relative === '' ? '.' : relative;
}

async function askModel(defaultUri: vscode.Uri | undefined): Promise<string | undefined> {
  const kinds = [
    { label: 'Hugging Face model folder', description: 'config.json + *.safetensors', folder: true },
    { label: 'llama2.c checkpoint', description: '.bin', folder: false },
  ];
  const kind = await vscode.window.showQuickPick(kinds, { title: 'New Experiment: base model', ignoreFocusOut: true });
  if (!kind) return undefined;
  const picked = await vscode.window.showOpenDialog({
    title: kind.folder ? 'Base model folder' : 'llama2.c checkpoint',
    canSelectFolders: kind.folder,
    canSelectFiles: !kind.folder,
    filters: kind.folder ? undefined : { 'llama2.c checkpoint': ['bin'] },
    defaultUri,
    openLabel: 'Use as base model',
  });
  return picked?.[0]?.fsPath;
}

async function pickTaskFiles(round: number, defaultUri: vscode.Uri | undefined): Promise<string[]> {
  const picked = await vscode.window.showOpenDialog({
    title: round === 0 ? 'Training data, one file per task (LLM-Adapters JSON/JSONL)' : `Training data of task ${round + 1}`,
    canSelectMany: true,
    filters: { 'Task data': ['json', 'jsonl'] },
    defaultUri,
    openLabel: 'Use as tasks',
  });
  return (picked ?? []).map((u) => u.fsPath);
}

async function askAnother(files: readonly string[]): Promise<boolean | undefined> {
  const items = [
    { label: '$(check) Done', description: `${files.length} task(s): ${files.map((f) => path.basename(f)).join(', ')}`, more: false },
    { label: '$(add) Add another task…', description: '', more: true },
  ];
  return (await vscode.window.showQuickPick(items, { title: 'New Experiment: tasks', placeHolder: 'Add another task?', ignoreFocusOut: true }))?.more;
}

/**
 * Task files, one dialog per round: pickers that cannot multi-select (code-server's simple dialog) still reach several
 * tasks through "Add another task?".
 */
async function askTasks(defaultUri: vscode.Uri | undefined): Promise<string[] | undefined> {
  const files: string[] = [];
  for (let round = 0; ; round++) {
    const last = files.at(-1);
    for (const file of await pickTaskFiles(round, last ? vscode.Uri.file(path.dirname(last)) : defaultUri)) if (!files.includes(file)) files.push(file);
    if (files.length === 0) return undefined;
    const more = await askAnother(files);
    if (more === undefined) return undefined;
    if (!more) return files;
  }
}

async function askTarget(folder: string, suggested: string): Promise<string | undefined> {
  const name = await vscode.window.showInputBox({
    title: 'New Experiment: name',
    value: suggested,
    ignoreFocusOut: true,
    validateInput: (text) => {
      if (!/^[A-Za-z0-9_.-]+$/.test(text)) return 'Use letters, digits, "_", "." or "-".';
      return fs.existsSync(path.join(folder, `${text}.smoe.json`)) ? `${text}.smoe.json already exists here; choose another name.` : undefined;
    },
  });
  return name === undefined ? undefined : path.join(folder, `${name}.smoe.json`);
}

function tasksFor(dir: string, files: string[]): NewTask[] {
  const taken = new Set<string>();
  return files.map((file) => {
    const name = taskNameFromFile(relativeTo(dir, file), taken);
    taken.add(name);
    const test = testFileCandidates(file).find((candidate) => fs.existsSync(candidate));
    return { name, train: relativeTo(dir, file), ...(test ? { test: relativeTo(dir, test) } : {}) };
  });
}

/** "New Experiment": pick a model and task files, write a complete experiment with defaults, open it. */
export async function newExperiment(arg: unknown): Promise<vscode.Uri | undefined> {
  const options = (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? arg : {}) as NewExperimentOptions;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const modelPath = options.modelPath ?? (await askModel(folder));
  if (!modelPath) return undefined;
  const taskFiles = options.taskFiles ?? (await askTasks(folder));
  if (!taskFiles) return undefined;
  const suggestedName = options.name ?? path.basename(modelPath).replace(/\.bin$/, '');
  const target = options.target ?? (folder ? await askTarget(folder.fsPath, suggestedName) : undefined);
  if (!target) {
    if (!folder) void vscode.window.showErrorMessage('LoRA-SMoE: New Experiment needs an open folder to write the *.smoe.json file into; open one first.');
    return undefined;
  }
  const dir = path.dirname(target);
  const name = options.name ?? path.basename(target).replace(/\.smoe\.json$/, '');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(target, newExperimentText({ name, modelPath: relativeTo(dir, modelPath), tasks: tasksFor(dir, taskFiles) }));
  const uri = vscode.Uri.file(target);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  return uri;
}
