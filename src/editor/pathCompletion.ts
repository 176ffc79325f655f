// Completion of file and folder names in the experiment's path fields (model.path, tasks[].train/test, experts,
// allocation.sensitivity), relative to the experiment file's folder, one path segment at a time.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getLocation, type JSONPath } from 'jsonc-parser';
import * as vscode from 'vscode';

type Wanted = 'folder' | 'data' | 'json' | 'any';

/** Which kind of path a field holds; undefined for fields that are not paths. */
export function pathFieldKind(jsonPath: JSONPath): Wanted | undefined {
  const key = jsonPath.map(String).join('.');
  if (key === 'model.path') return 'any';
  if (/^tasks\.\d+\.(train|test)$/.test(key)) return 'data';
  if (key === 'experts' || key === 'allocation.sensitivity') return 'json';
  return undefined;
}

export interface PathEntry {
  name: string;
  directory: boolean;
}

/** Entries of `dir` that fit the field: folders always (to descend), files by extension; hidden ones only when asked. */
export function pathCandidates(entries: readonly PathEntry[], wanted: Wanted, typedName: string): PathEntry[] {
  const extension = wanted === 'data' ? /\.(json|jsonl)$/i : wanted === 'json' ? /\.json$/i : /./;
  return entries
    .filter((e) => (typedName.startsWith('.') || !e.name.startsWith('.')) && e.name !== 'node_modules')
    .filter((e) => e.directory || (wanted !== 'folder' && extension.test(e.name)))
    .sort((a, b) => Number(b.directory) - Number(a.directory) || a.name.localeCompare(b.name));
}

function listDir(dir: string): PathEntry[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).map((d) => ({ name: d.name, directory: d.isDirectory() }));
  } catch {
    return [];
  }
}

export class PathCompletionProvider implements vscode.CompletionItemProvider {
  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const text = document.getText();
    const offset = document.offsetAt(position);
    const location = getLocation(text, offset);
    const wanted = location.isAtPropertyKey ? undefined : pathFieldKind(location.path);
    const node = location.previousNode;
    if (!wanted || !node || node.type !== 'string' || offset <= node.offset || offset > node.offset + node.length) return [];
    const typed = text.slice(node.offset + 1, offset);
    const slash = typed.lastIndexOf('/');
    const folderPart = slash >= 0 ? typed.slice(0, slash + 1) : '';
    const typedName = typed.slice(slash + 1);
    const dir = path.resolve(path.dirname(document.uri.fsPath), folderPart || '.');
    const replace = new vscode.Range(document.positionAt(node.offset + 1 + folderPart.length), position);
    return pathCandidates(listDir(dir), wanted, typedName).map((entry) => {
      const item = new vscode.CompletionItem(entry.directory ? `${entry.name}/` : entry.name, entry.directory ? vscode.CompletionItemKind.Folder : vscode.CompletionItemKind.File);
      item.range = replace;
      item.detail = path.join(folderPart, entry.name);
      // Picking a folder asks for its contents next, so a path is built segment by segment.
      if (entry.directory) item.command = { command: 'editor.action.triggerSuggest', title: 'Next segment' };
      return item;
    });
  }
}
