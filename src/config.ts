import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultRunsRoot } from './core/runFolder/runFolder';
import type { DeviceChoice } from './core/experiment/types';

/** Typed access to the `smoe.*` settings. */
export function engineSettings(): { device: DeviceChoice; threads: number } {
  const config = vscode.workspace.getConfiguration('smoe');
  return { device: config.get<DeviceChoice>('device', 'auto'), threads: config.get<number>('threads', 0) };
}

/** Where runs of an experiment live: `smoe.runsDirectory` (workspace-relative) or `.smoe/runs` beside the file. */
export function runsRootFor(experimentFile: string): string {
  const configured = vscode.workspace.getConfiguration('smoe').get<string>('runsDirectory', '').trim();
  if (!configured) return defaultRunsRoot(path.dirname(experimentFile));
  if (path.isAbsolute(configured)) return configured;
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(experimentFile)) ?? vscode.workspace.workspaceFolders?.[0];
  return path.resolve(folder ? folder.uri.fsPath : path.dirname(experimentFile), configured);
}
