import * as vscode from 'vscode';
import { changedSettings } from '../../core/experiment/allocationSettings';
import { PlanError, suggestAllocation, summarize, type AllocationSummary } from '../../core/experiment/planner';
import type { ExpertMap } from '../../core/experiment/types';
import type { ExperimentAnalyzer } from '../analysis';
import { formatCount } from '../lensTitles';
import { planOf } from '../plans';
import { commandOptions, targetExperiment } from './args';
import { completeChoice, type AllocateOptions } from './allocatePrompts';
import { writeExpertMap } from './mapEdits';

export interface AllocationOutcome {
  map: ExpertMap;
  summary: AllocationSummary;
  applied: boolean;
}

export function summaryText(summary: AllocationSummary): string {
  const params = summary.trainableParams === undefined ? '' : `, ${formatCount(summary.trainableParams)} trainable parameters`;
  const rank = summary.loraRankEquivalent === undefined ? '' : ` (≈ plain LoRA rank ${summary.loraRankEquivalent.toFixed(1)})`;
  return `${summary.totalExperts} experts on ${summary.modulesWithAdapters} modules${params}${rank}`;
}

/** "Allocate Experts": strategy, budget and threshold (asked for when not given), then the map as one edit. */
export async function allocateExperts(analyzer: ExperimentAnalyzer, arg: unknown): Promise<AllocationOutcome | undefined> {
  const options = commandOptions<AllocateOptions>(arg);
  const target = await targetExperiment(analyzer, options.uri, 'allocate experts');
  if (!target) return undefined;
  const { analysis, document, label } = target;
  const plan = planOf(analysis);
  const choice = await completeChoice(plan.choice, options);
  if (!choice) return undefined;
  let map: ExpertMap;
  try {
    map = suggestAllocation(analysis.model, plan.adapter, choice, analysis.sensitivity?.table);
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    void vscode.window.showErrorMessage(`LoRA-SMoE: cannot allocate experts for ${label}: ${error.message}`);
    return undefined;
  }
  const summary = summarize(analysis.model, plan.adapter, map);
  const applied = await writeExpertMap(document, analysis.parsed.value, map, changedSettings(plan.choice, choice));
  void vscode.window.showInformationMessage(`LoRA-SMoE: ${label} — ${choice.strategy} allocated ${summaryText(summary)}. Undo (Ctrl+Z) restores the previous map.`);
  return { map, summary, applied };
}
