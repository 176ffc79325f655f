import type { ModuleType } from '../model/config';

/** The experiment file (`*.smoe.json`) after defaults; its schema is media/smoe.schema.json. */
export interface ExperimentTask {
  name: string;
  train: string;
  test?: string;
  weight?: number;
  answerPattern?: string;
}

export type AdapterStyle = 'shared-a' | 'independent';
export type BudgetKind = 'none' | 'experts' | 'params' | 'loraRank';
export type AllocationStrategy = 'vote' | 'uniform' | 'layerwise' | 'proportional';
export type ThresholdScope = 'pooled' | 'per-type';
export type DeviceChoice = 'auto' | 'cpu' | 'cuda';
export type ExpertMap = Record<string, number>;

export interface AdapterSettings {
  style: AdapterStyle;
  rank: number;
  alpha: number;
  dropout: number;
  targetModules: ModuleType[];
  topK: number;
  balanceLossCoef: number;
}

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
}

export interface EvaluationSettings {
  maxNewTokens: number;
  limit?: number;
  batchSize: number;
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
  device?: DeviceChoice;
  threads?: number;
}
