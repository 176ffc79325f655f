import { Tokenizer } from '@huggingface/tokenizers';
import { EngineSession, type HostTensor } from '../../engine';
import type { DeviceChoice } from '../../experiment/types';
import { engineReports } from '../../jobs/engineOptions';
import { throwIfCancelled, type JobContext } from '../../runFolder/context';
import type { ModelConfig } from '../../model/config';
import type { DemoSettings } from '../settings';
import { AdamW, clipGradNorm, type ParamSet } from '../../train/adamw';
import { learningRateAt } from '../../train/schedule';
import { corpusBatches, type TokenBatch } from './batches';
import { buildDecoderTrainingGraph } from './decoder';
import { initialWeights, type HostWeight } from './init';

export interface PretrainResult {
  weights: HostWeight[];
  seconds: number;
  /** Mean loss over the last tenth of the steps. */
  finalLoss: number;
  losses: number[];
  tokensPerSecond: number;
}

export interface PretrainOptions {
  settings: DemoSettings;
  config: ModelConfig;
  tokenizer: Tokenizer;
  ctx: JobContext;
  threads?: number;
  device?: DeviceChoice;
}

function feedsFor(weights: HostWeight[], inputIds: HostTensor, labels: HostTensor): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = { input_ids: inputIds, labels };
  for (const w of weights) feeds[w.name] = { dtype: 'float32', dims: w.dims, data: w.data };
  return feeds;
}

/** Full-parameter pre-training of the base model on the generated corpus; cancellable between steps. */
export async function pretrainBaseModel(options: PretrainOptions): Promise<PretrainResult> {
  const { settings, config, ctx } = options;
  const p = settings.pretrain;
  const weights = initialWeights(config, settings.seed, p.initStd);
  const { graph, gradNames } = buildDecoderTrainingGraph(config);
  const session = await EngineSession.fromGraph(graph, {
    device: options.device ?? 'cpu', intraOpThreads: options.threads || undefined, ...engineReports(ctx),
  });
  const params: ParamSet = new Map(weights.map((w) => [w.name, w.data]));
  const optimizer = new AdamW({ betas: [0.9, 0.95], eps: 1e-8, weightDecay: p.weightDecay }, params);
  const schedule = { learningRate: p.learningRate, warmupSteps: p.warmupSteps, maxSteps: p.steps, schedule: 'cosine' as const };
  const batches = corpusBatches(options.tokenizer, settings.seed + 1, p.batchSize, config.maxPositions);
  const started = Date.now();
  const losses: number[] = [];
  let tokens = 0;
  try {
    for (let step = 0; step < p.steps; step++) {
      throwIfCancelled(ctx.signal);
      const batch = batches.next().value as TokenBatch;
      const out = await session.run(feedsFor(weights, batch.inputIds, batch.labels), ['loss', ...gradNames]);
      const grads: ParamSet = new Map(weights.map((w, i) => [w.name, out[gradNames[i]].data as Float32Array]));
      clipGradNorm(grads, 1.0);
      optimizer.step(params, grads, learningRateAt(step, schedule));
      losses.push(Number(out.loss.data[0]));
      tokens += batch.inputIds.data.length;
      ctx.progress({ phase: 'pre-train base model', done: step + 1, total: p.steps, message: `loss ${losses[losses.length - 1].toFixed(3)}` });
    }
  } finally {
    await session.dispose();
  }
  const seconds = (Date.now() - started) / 1000;
  const tail = losses.slice(-Math.max(1, Math.floor(losses.length / 10)));
  return { weights, seconds, finalLoss: tail.reduce((a, b) => a + b, 0) / tail.length, losses, tokensPerSecond: tokens / seconds };
}
