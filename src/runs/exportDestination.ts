// Where Export Adapter writes: a visible default folder (created), a folder picked or typed (created when new), and a
// question before any existing adapter file is replaced.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { exportWouldReplace } from '../core/jobs/exportAdapter';

const TITLE = 'LoRA-SMoE: Export Adapter';

/** `<workspace folder>/adapters/<run>`: in plain sight, unlike the run folder under the hidden .smoe/. */
export function defaultExportFolder(runDir: string, runName: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(runDir))?.uri.fsPath ?? path.resolve(runDir, '..', '..', '..', '..');
  return path.join(folder, 'adapters', runName.replace(/[^\w.-]+/g, '-'));
}

async function typedFolder(suggested: string, base: string): Promise<string | undefined> {
  const typed = await vscode.window.showInputBox({
    title: TITLE, prompt: 'Folder to export into (created when it does not exist; relative paths start at the workspace folder)', value: suggested,
    validateInput: (t) => (t.trim() === '' ? 'Enter a folder path' : undefined),
  });
  return typed === undefined ? undefined : path.resolve(base, typed.trim());
}

/** Asks where to export; undefined when the user backs out. */
export async function chooseExportFolder(runDir: string, runName: string): Promise<string | undefined> {
  const suggested = defaultExportFolder(runDir, runName);
  const base = path.dirname(path.dirname(suggested));
  const shown = vscode.workspace.asRelativePath(suggested, false);
  const items = [
    { label: `$(new-folder) ${shown}`, description: exportWouldReplace(suggested).length > 0 ? 'has an exported adapter: asks before replacing it' : 'default', value: 'default' },
    { label: '$(folder-opened) Choose a folder…', description: 'an existing folder', value: 'pick' },
    { label: '$(edit) Type a folder path…', description: 'a new folder is created', value: 'type' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: TITLE, placeHolder: `Export the adapter of ${runName} to…` });
  switch (picked?.value) {
    case 'default':
      return suggested;
    case 'type':
      return typedFolder(shown, base);
    case 'pick': {
      const chosen = await vscode.window.showOpenDialog({
        title: `${TITLE}: choose the folder for ${runName}`, canSelectFolders: true, canSelectFiles: false, openLabel: 'Export here', defaultUri: vscode.Uri.file(base),
      });
      return chosen?.[0]?.fsPath;
    }
    default:
      return undefined;
  }
}

/** True when nothing would be replaced, or the user agreed to replace it (`overwrite` answers for tests and scripts). */
export async function confirmOverwrite(outDir: string, overwrite: boolean | undefined): Promise<boolean> {
  const existing = exportWouldReplace(outDir);
  if (existing.length === 0 || overwrite === true) return true;
  if (overwrite === false) return false;
  const answer = await vscode.window.showWarningMessage(
    `Replace the adapter in ${vscode.workspace.asRelativePath(outDir, false)}?`,
    { modal: true, detail: `${existing.map((f) => path.basename(f)).join(', ')} already exist there and will be overwritten.` },
    'Replace',
  );
  return answer === 'Replace';
}
