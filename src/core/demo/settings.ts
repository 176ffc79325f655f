import { createHash } from 'node:crypto';
import type { ModelConfig } from '../model/config';
import { CORPUS_VERSION } from './corpus';

/** Everything that shapes the demo's output; the pre-trained model is cached under a hash of its part. */
export interface DemoSettings {
  quick: boolean;
  seed: number;
  /** Training seeds of every variant (the first is also the experiment files' training.seed). */
  seeds: number[];
  model: { hidden: number; layers: number; heads: number; kvHeads: number; intermediate: number; maxPositions: number };
  pretrain: { steps: number; batchSize: number; learningRate: number; warmupSteps: number; weightDecay: number; initStd: number };
  data: { trainPerTask: number; testPerTask: number };
  probe: { samplesPerTask: number };
  training: { maxSteps: number; microBatchSize: number; learningRate: number; warmupSteps: number; rank: number; alpha: number; loraRank: number };
  evaluation: { limit: number; maxNewTokens: number };
}

const DEFAULT_SETTINGS: DemoSettings = {
  quick: false,
  seed: 7,
  seeds: [7, 8, 9],
  model: { hidden: 64, layers: 4, heads: 4, kvHeads: 2, intermediate: 176, maxPositions: 128 },
  pretrain: { steps: 3000, batchSize: 24, learningRate: 5e-3, warmupSteps: 50, weightDecay: 0.01, initStd: 0.1 },
  data: { trainPerTask: 400, testPerTask: 50 },
  probe: { samplesPerTask: 16 },
  training: { maxSteps: 400, microBatchSize: 16, learningRate: 3e-3, warmupSteps: 30, rank: 4, alpha: 8, loraRank: 8 },
  evaluation: { limit: 50, maxNewTokens: 10 },
};

const QUICK_SETTINGS: DemoSettings = {
  quick: true,
  seed: 7,
  seeds: [7],
  model: { hidden: 32, layers: 2, heads: 4, kvHeads: 2, intermediate: 88, maxPositions: 128 },
  pretrain: { steps: 600, batchSize: 16, learningRate: 5e-3, warmupSteps: 20, weightDecay: 0.01, initStd: 0.1 },
  data: { trainPerTask: 120, testPerTask: 16 },
  probe: { samplesPerTask: 4 },
  training: { maxSteps: 120, microBatchSize: 8, learningRate: 3e-3, warmupSteps: 6, rank: 4, alpha: 8, loraRank: 8 },
  evaluation: { limit: 16, maxNewTokens: 8 },
};

export function demoSettings(quick: boolean): DemoSettings {
  return structuredClone(quick ? QUICK_SETTINGS : DEFAULT_SETTINGS);
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** The key of the cached base model: the generator settings that produce its weights, bit for bit. */
export function pretrainCacheKey(settings: DemoSettings, vocabSize: number): string {
  return hash({ v: CORPUS_VERSION, seed: settings.seed, model: settings.model, pretrain: settings.pretrain, vocabSize });
}

/** The key of a whole demo workspace: a change in any setting starts the pipeline over. */
export function workspaceKey(settings: DemoSettings): string {
  return hash({ v: CORPUS_VERSION, settings });
}

/** The base model's architecture in the project's terms. */
export function demoModelConfig(settings: DemoSettings, vocabSize: number): ModelConfig {
  const m = settings.model;
  return {
    modelType: 'llama', vocabSize, hiddenSize: m.hidden, intermediateSize: m.intermediate, numLayers: m.layers,
    numHeads: m.heads, numKvHeads: m.kvHeads, headDim: m.hidden / m.heads, rmsNormEps: 1e-5, ropeTheta: 10000,
    ropeLayout: 'half', tieWordEmbeddings: false, attentionBias: false, maxPositions: m.maxPositions, bosTokenId: 1, eosTokenId: 2,
  };
}
