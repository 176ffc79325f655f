import type { ExpertMap } from '../experiment/types';
import type { StabilityReport } from '../algo';
import type { MeanInterval, PairedDifference } from '../stats';

/** What the demo measured, gathered from its run folders: the input of the table and of report.html. */
export type VariantId = 'base' | 'vote' | 'uniform' | 'lora';

export interface TaskScore {
  accuracy: number;
  loss: number;
  examples: number;
}

/** One training seed of a variant. */
export interface SeedResult {
  seed: number;
  scores: Record<string, TaskScore>;
  trainSeconds?: number;
  tokensPerSecond?: number;
}

/** Mean ± t-interval across seeds of one task (or of the average over tasks). */
export interface ScoreInterval {
  accuracy: MeanInterval;
  loss: MeanInterval;
}

/** A paired comparison on the same seeds and test examples (A − B), accuracy and per-example loss. */
export interface DemoComparison {
  a: VariantId;
  b: VariantId;
  accuracy: PairedDifference;
  loss: PairedDifference;
  /** Plain-language lines, e.g. "vote − uniform: +2.5 points (95% CI −1.3 to +6.2): no difference beyond noise". */
  lines: string[];
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
  /** Per task: the mean over seeds (a single run: its own scores). */
  scores: Record<string, TaskScore>;
  evalSeconds?: number;
  /** Every training seed's own scores (absent for the base model). */
  seeds?: SeedResult[];
  /** Per task and under "average": mean ± 95% t-interval across seeds. */
  intervals?: Record<string, ScoreInterval>;
}

export const AVERAGE = 'average';

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
  /** The probe's bootstrap stability (vote frequency per task and module, and the hint); absent in older results. */
  stability?: Pick<StabilityReport, 'voteFrequency' | 'hint' | 'replicates' | 'curve'>;
  /** Paired comparisons of the vote with each baseline (absent in results written before seeds). */
  comparisons?: DemoComparison[];
}

export function averageAccuracy(variant: VariantResult, tasks: readonly string[]): number {
  const values = tasks.map((t) => variant.scores[t]?.accuracy).filter((a): a is number => typeof a === 'number');
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}
