// The training engineer's BaseModel (src/core/train/baseModel.ts) over a located checkpoint: file-slice weights,
// the decoder as a logits builder, KV-cache generation with or without an adapter.
import type { HostTensor } from '../engine';
import { AdapterGraph } from '../model/adapters/adapterGraph';
import { adapterParamSpecs } from '../model/adapters/params';
import { buildDecoder } from '../model/decoder/decoder';
import { KvCacheGenerator } from '../model/decoder/generator';
import { sessionForModel, type AdapterInstaller } from '../model/decoder/sessions';
import { frozenWeights, type ModelWeights } from '../model/decoder/weightSource';
import { storedWeightBytes } from '../model/load';
import type { BaseModel, Generator } from '../train/baseModel';
import type { AdapterValues } from '../train/evalLoss';
import type { LogitsBuilder } from '../train/trainGraph';
import type { LoadedInputs } from './loadInputs';

/** The decoder's logits for the training graph; the hook sees (module name, x, W x) of every projection. */
export function logitsBuilderOf(model: ModelWeights): LogitsBuilder {
  return (g, inputIds, hook, options) => buildDecoder(g, {
    config: model.config, weight: frozenWeights(g, model), inputIds,
    adapt: hook, recompute: options?.recompute,
  }).logits;
}

/** The adapter's parameters as graph inputs and its hook, plus the values to feed them. */
export function adapterInstaller(adapter: AdapterValues): { install: AdapterInstaller; feeds: Record<string, HostTensor> } {
  const install: AdapterInstaller = (g) => {
    const adapters = new AdapterGraph(g, adapter.config, adapter.modules, { training: false });
    return adapters.hook;
  };
  const feeds = Object.fromEntries(adapterParamSpecs(adapter.config, adapter.modules).map((spec) => {
    const data = adapter.params.get(spec.name);
    if (!data) throw new Error(`adapter has no values for ${spec.name}`);
    return [spec.name, { dtype: 'float32' as const, dims: [...spec.dims], data }];
  }));
  return { install, feeds };
}

async function createGenerator(model: ModelWeights, adapter: AdapterValues | undefined, options: Parameters<BaseModel['createGenerator']>[1]): Promise<Generator> {
  const installer = adapter ? adapterInstaller(adapter) : undefined;
  const generator = await KvCacheGenerator.create(model, { ...options, installAdapter: installer?.install, extraFeeds: installer?.feeds });
  return {
    greedy: (promptIds, maxNewTokens) => generator.greedy(promptIds, maxNewTokens),
    dispose: () => generator.dispose(),
  };
}

/** The training and evaluation jobs' view of a loaded checkpoint and its tokenizer (from loadInputs). */
export function baseModelOf(inputs: Pick<LoadedInputs, 'located' | 'tokenizer'>): BaseModel {
  const { located, tokenizer } = inputs;
  return {
    config: located.config,
    path: located.path,
    padId: tokenizer?.padId ?? located.config.eosTokenId,
    weightBytes: storedWeightBytes(located),
    buildLogits: logitsBuilderOf(located),
    openSession: (g, options) => sessionForModel(g, located, options),
    decode: (ids) => (tokenizer ? tokenizer.decode(ids) : ids.join(' ')),
    createGenerator: (adapter, options) => createGenerator(located, adapter, options),
  };
}
