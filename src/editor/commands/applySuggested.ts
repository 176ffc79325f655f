import * as vscode from 'vscode';
import type { ExperimentAnalyzer } from '../analysis';
import { planOf } from '../plans';
import { commandOptions, targetExperiment } from './args';
import { writeExpertMap, writeModuleCount } from './mapEdits';

export interface ApplySuggestedOptions {
  uri?: vscode.Uri | string;
  /** Only this module's count (the CodeLens "Apply" above an entry); absent: the whole map. */
  module?: string;
  /** With `module`, in an authors'-format map file: the count to write (that file has no strategy of its own). */
  count?: number;
}

/** "Apply Suggested Allocation": the map the file's own strategy, budget and sensitivity give. */
export async function applySuggestedAllocation(analyzer: ExperimentAnalyzer, arg: unknown): Promise<boolean> {
  const options = commandOptions<ApplySuggestedOptions>(arg);
  if (options.module !== undefined && options.count !== undefined && options.uri) {
    const uri = typeof options.uri === 'string' ? vscode.Uri.file(options.uri) : options.uri;
    return writeModuleCount(await vscode.workspace.openTextDocument(uri), [], options.module, options.count);
  }
  const target = await targetExperiment(analyzer, options.uri, 'apply the suggested allocation');
  if (!target) return false;
  const plan = planOf(target.analysis);
  if (!plan.suggestion) {
    void vscode.window.showErrorMessage(`LoRA-SMoE: no suggested allocation for ${target.label}: ${plan.suggestionError ?? 'unknown reason'}.`);
    return false;
  }
  if (options.module !== undefined && plan.inline) return writeModuleCount(target.document, ['experts'], options.module, plan.suggestion[options.module] ?? 0);
  return writeExpertMap(target.document, target.analysis.parsed.value, plan.suggestion);
}
