import type { ModuleType } from '../model/config';
import type { DemoSettings } from './settings';
import { DEMO_TASKS } from './tasks';

/** The variants the demo compares, each its own experiment file in the workspace. */
export const EXPERIMENT_FILES = {
  vote: 'demo.smoe.json',
  uniform: 'demo-uniform.smoe.json',
  lora: 'demo-lora.smoe.json',
} as const;
export type AdaptedVariant = keyof typeof EXPERIMENT_FILES;

/** Every projection: the tasks lean on different parts (arithmetic on the MLP, retrieval on attention). */
export const DEMO_TARGETS: ModuleType[] = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

export function taskFiles(task: string): { train: string; test: string } {
  return { train: `data/${task}/train.json`, test: `data/${task}/test.json` };
}

const VARIANT_NAMES: Record<AdaptedVariant, string> = {
  vote: 'demo: LoRA-SMoE (vote)',
  uniform: 'demo: uniform experts',
  lora: 'demo: plain LoRA',
};

/**
 * One experiment file. All three share data, probe, training and evaluation settings and the same
 * trainable-parameter budget (that of plain LoRA with rank `loraRank` on every target module); they
 * differ only in how the budget is spent. The expert map is filled in by the allocate phase.
 */
export function experimentValue(variant: AdaptedVariant, settings: DemoSettings): Record<string, unknown> {
  const t = settings.training;
  const plain = variant === 'lora';
  const strategy = plain ? { strategy: 'uniform', uniformExperts: 1 } : { strategy: variant, percentile: 60, scope: 'per-type' };
  return {
    name: VARIANT_NAMES[variant],
    model: { path: 'model', format: 'hf' },
    tasks: DEMO_TASKS.map((task) => ({ name: task.name, ...taskFiles(task.name), answerPattern: task.answerPattern })),
    adapter: { style: 'shared-a', rank: plain ? t.loraRank : t.rank, alpha: plain ? 2 * t.loraRank : t.alpha, dropout: 0, targetModules: DEMO_TARGETS },
    budget: { kind: 'loraRank', value: t.loraRank, minExperts: plain ? 1 : 0, maxExperts: plain ? 1 : DEMO_TASKS.length },
    probe: { samplesPerTask: settings.probe.samplesPerTask, seed: settings.seed, maxLength: settings.model.maxPositions },
    allocation: strategy,
    training: {
      maxSteps: t.maxSteps, microBatchSize: t.microBatchSize, gradientAccumulation: 1, learningRate: t.learningRate,
      weightDecay: 0, warmupSteps: t.warmupSteps, schedule: 'cosine', maxGradNorm: 1, maxLength: settings.model.maxPositions,
      seed: settings.seed, checkpointEvery: Math.max(10, Math.floor(t.maxSteps / 4)),
    },
    evaluation: { maxNewTokens: settings.evaluation.maxNewTokens, limit: settings.evaluation.limit, batchSize: 16 },
  };
}
