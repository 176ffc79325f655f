import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { flatExpertMapText, totalExperts } from '../../core/experiment/expertMap';
import type { ExperimentAnalyzer } from '../analysis';
import { planOf } from '../plans';
import { commandOptions, targetExperiment } from './args';

export interface ExportMapOptions {
  uri?: vscode.Uri | string;
  /** Where to write; absent: a save dialog. */
  target?: string;
}

/** "Export Expert Map": the file's map in the authors' flat format (module → experts, most experts first). */
export async function exportExpertMap(analyzer: ExperimentAnalyzer, arg: unknown): Promise<string | undefined> {
  const options = commandOptions<ExportMapOptions>(arg);
  const source = await targetExperiment(analyzer, options.uri, 'export an expert map');
  if (!source) return undefined;
  const { map } = planOf(source.analysis);
  if (totalExperts(map) === 0) {
    void vscode.window.showErrorMessage(`LoRA-SMoE: ${source.label} has no experts to export; run "Allocate Experts" first or fill in "experts".`);
    return undefined;
  }
  const file = options.target ?? (await askTarget(source.document.uri.fsPath));
  if (!file) return undefined;
  await fs.writeFile(file, flatExpertMapText(map));
  void vscode.window.showInformationMessage(`LoRA-SMoE: wrote ${Object.values(map).filter((n) => n > 0).length} modules, ${totalExperts(map)} experts to ${vscode.workspace.asRelativePath(file, false)}.`);
  return file;
}

async function askTarget(experimentFile: string): Promise<string | undefined> {
  const base = path.basename(experimentFile).replace(/\.smoe\.json$/, '');
  const uri = await vscode.window.showSaveDialog({
    title: 'Export expert map',
    defaultUri: vscode.Uri.file(path.join(path.dirname(experimentFile), `${base}.experts.json`)),
    filters: { 'Expert map (JSON)': ['json'] },
  });
  return uri?.fsPath;
}
