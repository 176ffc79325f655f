// A temp folder inside the test workspace with the tiny model, task files and a probe run, for the editor suites.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { writeTaskFile, writeTinyHfModel, tinyModuleNames } from '../../fixtures/experiment/tinyModel';
import { pollUntil, workspaceRoot } from './manifest';

export const ATTENTION = tinyModuleNames().filter((n) => n.includes('self_attn'));

/** boolq favours early modules, piqa late ones, with different scales (normalisation matters). */
export const PROBE_TABLE = {
  tasks: {
    boolq: Object.fromEntries(ATTENTION.map((n, i) => [n, [9, 3, 7, 1, 5, 2, 8, 4][i]])),
    piqa: Object.fromEntries(ATTENTION.map((n, i) => [n, [10, 60, 20, 80, 30, 70, 40, 50][i]])),
  },
  meta: { samplesPerTask: 2 },
};

export function makeWorkspaceDir(label: string, parent = workspaceRoot().fsPath): string {
  const dir = path.join(parent, `${label}-${Date.now().toString(36)}`);
  fs.mkdirSync(dir, { recursive: true });
  writeTinyHfModel(path.join(dir, 'model'));
  writeTaskFile(path.join(dir, 'data', 'boolq', 'train.json'));
  writeTaskFile(path.join(dir, 'data', 'boolq', 'test.json'));
  writeTaskFile(path.join(dir, 'data', 'piqa', 'train.json'), 'solution1');
  return dir;
}

/**
 * A succeeded probe run as the probe job leaves it (run.json + sensitivity.json) in `.smoe/runs` under `dir`; a run
 * that names no experiment file counts for every experiment in `dir`.
 */
export function writeProbeRun(dir: string, experimentFile: string | undefined, id: string, table: object = PROBE_TABLE): string {
  const runDir = path.join(dir, '.smoe', 'runs', id);
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(path.join(runDir, 'sensitivity.json'), JSON.stringify(table));
  const stamp = new Date().toISOString();
  const record = { id, kind: 'probe', status: 'succeeded', ...(experimentFile ? { experiment: experimentFile } : {}), startedAt: stamp, finishedAt: stamp, pid: process.pid, timings: {} };
  fs.writeFileSync(path.join(runDir, 'run.json'), JSON.stringify(record, null, 2));
  return runDir;
}

/** As a probe job does it: the run folder (marked running) first, the result and the final status later. */
export async function probeRunInStages(dir: string, experimentFile: string, id: string): Promise<void> {
  const runDir = path.join(dir, '.smoe', 'runs', id);
  fs.mkdirSync(runDir, { recursive: true });
  const started = new Date().toISOString();
  fs.writeFileSync(path.join(runDir, 'run.json'), JSON.stringify({ id, kind: 'probe', status: 'running', experiment: experimentFile, startedAt: started, pid: process.pid, timings: {} }));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  writeProbeRun(dir, experimentFile, id);
}

export async function openFile(file: string, text: string): Promise<vscode.TextEditor> {
  fs.writeFileSync(file, text);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  return vscode.window.showTextDocument(document, { preview: false });
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'LoRA-SMoE');
}

/** Waits until our diagnostics satisfy `ready` and returns them; fails the test, listing the last ones seen, on timeout. */
export async function diagnosticsWhen(uri: vscode.Uri, ready: (diagnostics: vscode.Diagnostic[]) => boolean, timeoutMs = 15_000): Promise<vscode.Diagnostic[]> {
  const seen = await pollUntil(() => (ready(ours(uri)) ? ours(uri) : undefined), timeoutMs);
  if (seen) return seen;
  throw new assert.AssertionError({ message: `diagnostics of ${uri.fsPath} did not become as expected within ${timeoutMs} ms; last seen:\n${listing(ours(uri))}` });
}

export function hasCode(diagnostics: vscode.Diagnostic[], code: string): boolean {
  return diagnostics.some((d) => d.code === code);
}

export function listing(diagnostics: vscode.Diagnostic[]): string {
  return diagnostics.map((d) => `${d.code} ${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.message}`).join('\n');
}

export async function resolvedLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 1000)) ?? [];
}

export async function lensTitlesWhen(uri: vscode.Uri, ready: (titles: string[]) => boolean, timeoutMs = 15_000): Promise<string[]> {
  let titles: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    titles = (await resolvedLenses(uri)).map((l) => l.command?.title ?? '');
    if (ready(titles)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return titles;
}
