import type { ExpertMap } from '../experiment/types';

/** What the demo measured, gathered from its run folders: the input of the table and of report.html. */
export type VariantId = 'base' | 'vote' | 'uniform' | 'lora';

export interface TaskScore {
  accuracy: number;
  loss: number;
  examples: number;
}

export interface VariantResult {
  id: VariantId;
  /** Shown in the table, e.g. "LoRA-SMoE (vote)". */
  label: string;
  /** Absent for the base model. */
  experts?: ExpertMap;
  totalExperts: number;
  trainableParams: number;
  trainSeconds?: number;
  tokensPerSecond?: number;
  lossCurve: { step: number; loss: number }[];
  scores: Record<string, TaskScore>;
  evalSeconds?: number;
}

export interface DemoResults {
  title: string;
  createdAt: string;
  quick: boolean;
  model: { layers: number; hidden: number; heads: number; vocab: number; parameters: number };
  tasks: string[];
  /** Target modules, layer-major: the heatmap's columns and the allocation chart's bars. */
  modules: string[];
  /** task -> module -> S_t(W). */
  sensitivity: Record<string, Record<string, number>>;
  timings: { pretrainSeconds: number; pretrainCached: boolean; probeSeconds: number; totalSeconds: number };
  variants: VariantResult[];
}

export function averageAccuracy(variant: VariantResult, tasks: readonly string[]): number {
  const values = tasks.map((t) => variant.scores[t]?.accuracy).filter((a): a is number => typeof a === 'number');
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}
