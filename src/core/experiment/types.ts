import type { RecomputeSetting } from '../algo/memory';
import type { AllocationStrategy, BudgetKind, ThresholdScope } from '../algo/types';
import type { AdapterSettings, AdapterStyle, ExpertMap } from '../model/adapters/config';

export type { AdapterSettings, AdapterStyle, AllocationStrategy, BudgetKind, ExpertMap, RecomputeSetting, ThresholdScope };

/** The experiment file (`*.smoe.json`) after defaults; its schema is media/smoe.schema.json. */
export interface ExperimentTask {
  name: string;
  train: string;
  test?: string;
  weight?: number;
  answerPattern?: string;
}

export type DeviceChoice = 'auto' | 'cpu' | 'cuda' | 'webgpu';

export interface BudgetSettings {
  kind: BudgetKind;
  value?: number;
  minExperts: number;
  maxExperts: number;
}

export interface ProbeSettings {
  samplesPerTask: number;
  seed: number;
  maxLength: number;
  clip: number | null;
  method: 'auto' | 'ghost' | 'direct';
  batchSize: number;
  /** Per-layer recomputation; absent in files and runs made before the setting existed (= 'auto'). */
  recompute?: RecomputeSetting;
}

export interface AllocationSettings {
  strategy: AllocationStrategy;
  percentile: number;
  scope: ThresholdScope;
  layerwise: number[];
  uniformExperts?: number;
  sensitivity?: string;
}

export interface TrainingSettings {
  maxSteps: number;
  microBatchSize: number;
  gradientAccumulation: number;
  learningRate: number;
  weightDecay: number;
  betas: [number, number];
  eps: number;
  warmupSteps: number;
  schedule: 'linear' | 'cosine' | 'constant';
  maxGradNorm: number | null;
  maxLength: number;
  trainOnInputs: boolean;
  seed: number;
  checkpointEvery: number;
  /** Newest checkpoints kept (older ones are removed); absent in runs made before the setting existed. */
  keepCheckpoints?: number;
  /** Per-layer recomputation; absent in runs made before the setting existed (= 'auto'). */
  recompute?: RecomputeSetting;
}

export interface EvaluationSettings {
  maxNewTokens: number;
  limit?: number;
  batchSize: number;
}

export type SweepStrategy = AllocationStrategy | 'lora';

export interface SweepBudget {
  kind: Exclude<BudgetKind, 'none'>;
  value: number;
}

/** The optional `sweep` section: lists whose every combination becomes a run. */
export interface SweepSettings {
  seeds?: number[];
  strategies?: SweepStrategy[];
  budgets?: SweepBudget[];
  percentiles?: number[];
  maxRuns: number;
}

export interface Experiment {
  name?: string;
  model: { path: string; format: 'auto' | 'hf' | 'llama2c'; tokenizer?: string };
  tasks: ExperimentTask[];
  adapter: AdapterSettings;
  budget: BudgetSettings;
  probe: ProbeSettings;
  allocation: AllocationSettings;
  experts?: ExpertMap | string;
  training: TrainingSettings;
  evaluation: EvaluationSettings;
  sweep?: SweepSettings;
  device?: DeviceChoice;
  threads?: number;
}
