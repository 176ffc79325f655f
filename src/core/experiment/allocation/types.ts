/** Types shared by the editor's allocation planner and its parts. */
import type { ModelConfig } from '../../model/config';
import type { AllocationStrategy, BudgetKind, ThresholdScope } from '../types';

/** Per task, per module (no `.weight`) squared gradient norms. */
export interface SensitivityTable {
  tasks: Record<string, Record<string, number>>;
}

export interface BudgetChoice {
  kind: BudgetKind;
  value?: number;
  minExperts: number;
  maxExperts: number;
}

export interface AllocationChoice {
  strategy: AllocationStrategy;
  percentile: number;
  scope: ThresholdScope;
  layerwise: number[];
  uniformExperts?: number;
  budget: BudgetChoice;
}

export interface PlanModel {
  config: ModelConfig;
  modules: readonly string[];
}

export interface AllocationSummary {
  totalExperts: number;
  modulesWithAdapters: number;
  /** Absent when the model is not known (parameters depend on its shapes). */
  trainableParameters?: number;
  /** Rank of plain LoRA on every target module with the same trainable parameters. */
  loraRankEquivalent?: number;
}

/** What CodeLens shows above one expert-map entry. */
export interface ModuleHint {
  count: number;
  /** 1 = most sensitive (summed normalised sensitivity over tasks), among `of` candidate modules. */
  sensitivityRank?: number;
  of?: number;
  suggested?: number;
}

/** A request the planner cannot serve (no sensitivity for `vote`, no model for a parameter budget); says what to do. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}
