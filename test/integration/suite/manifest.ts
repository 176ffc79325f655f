// The extension's own manifest, read at test time so tests follow the contributions instead of
// hard-coding ids.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

export interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

interface ViewContribution {
  id: string;
  name: string;
}

export interface Manifest {
  name: string;
  publisher: string;
  version: string;
  contributes: {
    commands?: ContributedCommand[];
    viewsContainers?: { activitybar?: { id: string; title: string }[] };
    views?: Record<string, ViewContribution[]>;
    jsonValidation?: { fileMatch: string | string[]; url: string }[];
  };
}

export const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

export const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

export const extensionId = `${manifest.publisher}.${manifest.name}`;

export function ourExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(extensionId);
  if (!extension) throw new Error(`extension ${extensionId} is not loaded in this VS Code`);
  return extension;
}

export async function activatedExtension(): Promise<vscode.Extension<unknown>> {
  const extension = ourExtension();
  await extension.activate();
  return extension;
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration tests need a workspace folder (the harness opens a temp one)');
  return folder.uri;
}

export async function delay(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

export async function pollUntil<T>(probe: () => T | undefined, timeoutMs: number, intervalMs = 100): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined || Date.now() >= deadline) return value;
    await delay(intervalMs);
  }
}
