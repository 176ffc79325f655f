// Generation with a key/value cache: one prefill run over the prompt, then one single-token run per new token,
// each feeding the previous step's present keys/values back as past.
import { Graph, type EngineSession, type EngineSessionOptions, type HostTensor } from '../../engine';
import type { ModelConfig } from '../config';
import { buildDecoder } from './decoder';
import { argmax, tokenChooser, type SamplingOptions } from './sampling';
import { sessionForModel, type AdapterInstaller, type LogitsRunner } from './sessions';
import { frozenWeights, type ModelWeights } from './weightSource';

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Ids that end generation (not included in the output); default: the model family's (see stopIdsOf). */
  stopIds?: readonly number[];
}

/** EOS, and for llama2.c also BOS (run.c stops when the model emits BOS). */
export function stopIdsOf(config: ModelConfig): number[] {
  return config.modelType === 'llama2c' ? [config.eosTokenId, config.bosTokenId] : [config.eosTokenId];
}

const pastName = (kind: 'key' | 'value', layer: number) => `past_${kind}.${layer}`;
const presentName = (kind: 'key' | 'value', layer: number) => `present_${kind}.${layer}`;
const LAST_LOGITS = 'last_logits';

export interface StepGraphOptions {
  installAdapter?: AdapterInstaller;
}

/** input_ids [batch, seq] + past keys/values [batch, kvHeads, past, headDim] -> last position's logits and present keys/values. */
export function buildStepGraph(model: ModelWeights, options: StepGraphOptions = {}): Graph {
  const { config } = model;
  const g = new Graph('decoder_step');
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const cacheShape = ['batch', config.numKvHeads, 'past', config.headDim];
  const past = Array.from({ length: config.numLayers }, (_, layer) => ({
    key: g.input(pastName('key', layer), 'float32', cacheShape),
    value: g.input(pastName('value', layer), 'float32', cacheShape),
  }));
  const result = buildDecoder(g, { config, weight: frozenWeights(g, model), inputIds, past, adapt: options.installAdapter?.(g) });
  g.output(g.squeeze(g.slice(result.logits, { starts: [-1], ends: [Number.MAX_SAFE_INTEGER], axes: [1] }), [1]), LAST_LOGITS);
  result.presentKeys.forEach((t, layer) => g.output(t, presentName('key', layer)));
  result.presentValues.forEach((t, layer) => g.output(t, presentName('value', layer)));
  return g;
}

export class KvCacheGenerator {
  private constructor(private readonly session: EngineSession, private readonly config: ModelConfig, private readonly extraFeeds: Record<string, HostTensor>) {}

  /** `extraFeeds`: values of the inputs the adapter installer added (e.g. LoRA-MoE parameters). */
  static async create(model: ModelWeights, options: EngineSessionOptions & StepGraphOptions & { extraFeeds?: Record<string, HostTensor> } = {}): Promise<KvCacheGenerator> {
    const session = await sessionForModel(buildStepGraph(model, options), model, options);
    return new KvCacheGenerator(session, model.config, options.extraFeeds ?? {});
  }

  /**
   * New token ids after `promptIds` (at least one id), stopping at a stop id (excluded), after maxNewTokens, or when
   * the sequence fills the context window (past it, llama2.c's position tables have no row: a raw Gather failure).
   */
  async generate(promptIds: readonly number[], options: GenerateOptions): Promise<number[]> {
    if (promptIds.length === 0) throw new Error('generation needs at least one prompt token (e.g. BOS)');
    const window = this.config.maxPositions;
    if (window > 0 && promptIds.length > window) throw new Error(`the prompt has ${promptIds.length} tokens, more than the model's context window of ${window}; shorten it`);
    const maxNewTokens = window > 0 ? Math.min(options.maxNewTokens, window - promptIds.length) : options.maxNewTokens;
    const choose = tokenChooser(options);
    const stops = new Set(options.stopIds ?? stopIdsOf(this.config));
    let cache = this.emptyCache();
    let step = [...promptIds];
    const out: number[] = [];
    while (out.length < maxNewTokens) {
      const result = await this.session.run({ ...this.extraFeeds, ...cache, input_ids: idsTensor(step) });
      const next = choose(result[LAST_LOGITS].data as Float32Array);
      if (stops.has(next)) break;
      out.push(next);
      cache = this.nextCache(result);
      step = [next];
    }
    return out;
  }

  greedy(promptIds: readonly number[], maxNewTokens: number): Promise<number[]> {
    return this.generate(promptIds, { maxNewTokens, greedy: true });
  }

  dispose(): Promise<void> {
    return this.session.dispose();
  }

  private emptyCache(): Record<string, HostTensor> {
    const empty: HostTensor = { dtype: 'float32', dims: [1, this.config.numKvHeads, 0, this.config.headDim], data: new Float32Array(0) };
    const cache: Record<string, HostTensor> = {};
    for (let layer = 0; layer < this.config.numLayers; layer++) {
      cache[pastName('key', layer)] = empty;
      cache[pastName('value', layer)] = empty;
    }
    return cache;
  }

  private nextCache(result: Record<string, HostTensor>): Record<string, HostTensor> {
    const cache: Record<string, HostTensor> = {};
    for (let layer = 0; layer < this.config.numLayers; layer++) {
      for (const kind of ['key', 'value'] as const) cache[pastName(kind, layer)] = result[presentName(kind, layer)];
    }
    return cache;
  }
}

function idsTensor(ids: readonly number[]): HostTensor {
  return { dtype: 'int64', dims: [1, ids.length], data: BigInt64Array.from(ids, (id) => BigInt(id)) };
}

/** Greedy ids by re-running the whole sequence for every token (the slow baseline the cache must reproduce). */
export async function greedyByRecomputation(runner: LogitsRunner, promptIds: readonly number[], maxNewTokens: number, stopIds: readonly number[]): Promise<number[]> {
  const sequence = [...promptIds];
  const out: number[] = [];
  while (out.length < maxNewTokens) {
    const logits = await runner.logits([sequence]);
    const last = logits.subarray((sequence.length - 1) * runner.vocabSize, sequence.length * runner.vocabSize);
    const best = argmax(last);
    if (stopIds.includes(best)) break;
    out.push(best);
    sequence.push(best);
  }
  return out;
}
