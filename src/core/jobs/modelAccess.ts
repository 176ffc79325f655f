// The training engineer's ModelAccess (src/core/train/baseModel.ts) over the model and data layers:
// every checkpoint format, file-slice weights, KV-cache generation, the dataset readers of src/core/data.
import * as fs from 'node:fs';
import { answerPatternFor, encodePrompt, encodeRecord, extractAnswer, readDatasetSync, IGNORE_INDEX, type Dataset, type EncodedExample, type Tokenizer } from '../data';
import type { LoadedExperiment } from '../experiment/load';
import type { HostTensor } from '../engine';
import { AdapterGraph } from '../model/adapters/adapterGraph';
import { adapterParamSpecs } from '../model/adapters/params';
import type { BaseModel, EvalExample, Generator, ModelAccess } from '../train/baseModel';
import type { AdapterValues } from '../train/evalLoss';
import type { LogitsBuilder } from '../train/trainGraph';
import { buildDecoder } from '../model/decoder/decoder';
import { KvCacheGenerator } from '../model/decoder/generator';
import { sessionForModel, type AdapterInstaller } from '../model/decoder/sessions';
import { frozenWeights, type ModelWeights } from '../model/decoder/weightSource';
import { locateCheckpoint } from '../model/load';
import { defaultTokenizerPath, loadTokenizer } from '../model/tokenizer/load';
import type { TextTokenizer } from '../model/tokenizer/types';

/** The decoder's logits for the training graph; the hook sees (module name, x, W x) of every projection. */
export function logitsBuilderOf(model: ModelWeights): LogitsBuilder {
  return (g, inputIds, hook) => buildDecoder(g, {
    config: model.config, weight: frozenWeights(g, model), inputIds,
    adapt: hook ? (ctx) => hook(ctx.name, ctx.input, ctx.output) : undefined,
  }).logits;
}

/** The adapter's parameters as graph inputs and its hook, plus the values to feed them. */
export function adapterInstaller(adapter: AdapterValues): { install: AdapterInstaller; feeds: Record<string, HostTensor> } {
  const install: AdapterInstaller = (g) => {
    const adapters = new AdapterGraph(g, adapter.config, adapter.modules, { training: false });
    return (ctx) => adapters.apply(ctx.name, ctx.input, ctx.output);
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

const tokenizers = new WeakMap<BaseModel, TextTokenizer | undefined>();

function tokenizerFor(model: BaseModel, file: string): Tokenizer {
  const tok = tokenizers.get(model);
  if (!tok) throw new Error(`${file} holds text records, but the model has no tokenizer; set model.tokenizer in the experiment file`);
  return { encode: (text, opts) => tok.encode(text, opts), eosId: tok.eosId, bosId: tok.bosId ?? -1 };
}

function readTaskFile(file: string): Dataset {
  if (!fs.existsSync(file)) throw new Error(`${file}: the task's data file does not exist; check the task's train/test path`);
  return readDatasetSync(file);
}

function encodeAll(dataset: Dataset, model: BaseModel, maxLength: number, trainOnInputs: boolean): EncodedExample[] {
  const tokenizer = dataset.format === 'llm-adapters' ? tokenizerFor(model, dataset.file) : ({ encode: () => [], eosId: -1, bosId: -1 } as Tokenizer);
  return dataset.records.map((record) => encodeRecord(record, tokenizer, { maxLength, trainOnInputs }));
}

function evalExamples(dataset: Dataset, model: BaseModel, maxLength: number): EvalExample[] {
  if (dataset.format === 'pretokenized') {
    return encodeAll(dataset, model, maxLength, false).map((encoded) => {
      const firstScored = encoded.labels.findIndex((label, t) => t > 0 && label !== IGNORE_INDEX);
      return { encoded, promptIds: encoded.inputIds.slice(0, firstScored > 0 ? firstScored : encoded.inputIds.length) };
    });
  }
  const tokenizer = tokenizerFor(model, dataset.file);
  return dataset.records.map((record) => ({
    encoded: encodeRecord(record, tokenizer, { maxLength, trainOnInputs: false }),
    promptIds: encodePrompt(record, tokenizer, Math.max(1, maxLength - 1)),
    answer: record.answer ?? record.output,
  }));
}

export const modelAccess: ModelAccess = {
  async loadBaseModel(loaded: LoadedExperiment) {
    const spec = loaded.experiment.model;
    const located = locateCheckpoint(loaded.resolve(spec.path), spec.format);
    const tokenizerPath = spec.tokenizer ? loaded.resolve(spec.tokenizer) : defaultTokenizerPath(located.path);
    const tokenizer = tokenizerPath ? loadTokenizer(tokenizerPath, located.config) : undefined;
    const base: BaseModel = {
      config: located.config,
      path: located.path,
      padId: tokenizer?.padId ?? located.config.eosTokenId,
      buildLogits: logitsBuilderOf(located),
      openSession: (g, options) => sessionForModel(g, located, options),
      decode: (ids) => (tokenizer ? tokenizer.decode(ids) : ids.join(' ')),
      createGenerator: (adapter, options) => createGenerator(located, adapter, options),
    };
    tokenizers.set(base, tokenizer);
    return base;
  },

  async loadTrainTasks(loaded, model, options) {
    return loaded.experiment.tasks.map((task) => ({
      name: task.name,
      examples: encodeAll(readTaskFile(loaded.resolve(task.train)), model, options.maxLength, options.trainOnInputs),
    }));
  },

  async loadTestTask(loaded, model, t, options) {
    const task = loaded.experiment.tasks[t];
    if (!task.test) throw new Error(`task ${task.name} has no test file`);
    const dataset = readTaskFile(loaded.resolve(task.test));
    const examples = evalExamples(dataset, model, options.maxLength);
    const pattern = answerPatternFor(task.answerPattern, dataset.format === 'llm-adapters' ? dataset.records : []);
    return { examples: options.limit ? examples.slice(0, options.limit) : examples, pattern };
  },

  extractAnswer: (text, pattern) => extractAnswer(text, pattern),
};
