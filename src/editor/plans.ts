import { inlineExpertMap, isObject } from '../core/experiment/lenient';
import { moduleHints, suggestAllocation, summarize, type AllocationChoice, type AllocationSummary, type ModuleHint } from '../core/experiment/planner';
import { adapterOf, allocationChoiceOf } from '../core/experiment/settings';
import type { AdapterSettings, ExpertMap } from '../core/experiment/types';
import type { ExperimentAnalysis } from './analysis';

/** The allocation picture of one analysis: current map, its totals, the suggestion under the file's strategy. */
export interface ExperimentPlan {
  adapter: AdapterSettings;
  choice: AllocationChoice;
  /** The inline map, or the one `experts` points at; empty when there is none yet. */
  map: ExpertMap;
  inline: boolean;
  /** Whether a sensitivity result was found and read. */
  measured: boolean;
  summary: AllocationSummary;
  suggestion?: ExpertMap;
  /** Why there is no suggestion (e.g. no probe result yet). */
  suggestionError?: string;
  hints: Map<string, ModuleHint>;
}

const plans = new WeakMap<ExperimentAnalysis, ExperimentPlan>();

/** Computed once per analysis (allocation is pure and fast) and shared by CodeLens, quick fixes and commands. */
export function planOf(analysis: ExperimentAnalysis): ExperimentPlan {
  let plan = plans.get(analysis);
  if (!plan) {
    plan = computePlan(analysis);
    plans.set(analysis, plan);
  }
  return plan;
}

function computePlan(analysis: ExperimentAnalysis): ExperimentPlan {
  const raw = analysis.parsed.value;
  const adapter = adapterOf(raw);
  const choice = allocationChoiceOf(raw);
  const inline = inlineExpertMap(raw);
  const fileMap = analysis.facts.expertsFile && 'map' in analysis.facts.expertsFile ? analysis.facts.expertsFile.map : undefined;
  const map = inline ?? fileMap ?? {};
  const table = analysis.sensitivity?.table;
  let suggestion: ExpertMap | undefined;
  let suggestionError: string | undefined;
  try {
    suggestion = suggestAllocation(analysis.model, adapter, choice, table);
  } catch (error) {
    suggestionError = sensitivityNote(analysis) ?? (error instanceof Error ? error.message : String(error));
  }
  return {
    adapter,
    choice,
    map,
    inline: inline !== undefined || !(isObject(raw) && typeof raw.experts === 'string'),
    measured: table !== undefined,
    summary: summarize(analysis.model, adapter, map),
    suggestion,
    suggestionError,
    hints: moduleHints(adapter, map, table, suggestion),
  };
}

function sensitivityNote(analysis: ExperimentAnalysis): string | undefined {
  const loaded = analysis.sensitivity;
  if (loaded?.error) return `the sensitivity at ${loaded.source.location} cannot be read: ${loaded.error}`;
  return undefined;
}
