// ModelAccess over the stop-gap loaders in ./stopgap (see its README for why they exist and when to remove them).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { EngineSession, Graph, type EngineSessionOptions } from '../engine';
import { AdapterGraph } from '../model/adapters/adapterGraph';
import type { BaseModel, Generator, ModelAccess } from './baseModel';
import type { AdapterValues } from './evalLoss';
import { decoderLogits } from './stopgap/decoder';
import { readHfConfig, safetensorsIndex, weightAccessor } from './stopgap/hfModel';
import { answerPatternFor, encodeRecord, readRecords, type TextEncoder } from './stopgap/records';
import type { LogitsBuilder } from './trainGraph';

function loadTokenizer(modelDir: string, explicit: string | undefined): Tokenizer {
  const file = explicit ?? path.join(modelDir, 'tokenizer.json');
  if (!fs.existsSync(file)) throw new Error(`${file}: no tokenizer.json; set model.tokenizer in the experiment file`);
  const configFile = path.join(path.dirname(file), 'tokenizer_config.json');
  const config = fs.existsSync(configFile) ? JSON.parse(fs.readFileSync(configFile, 'utf8')) : {};
  return new Tokenizer(JSON.parse(fs.readFileSync(file, 'utf8')), config);
}

/** Last-position greedy decoding by re-running the prefix (the model layer's KV-cache generator replaces this). */
async function prefixGenerator(buildLogits: LogitsBuilder, adapter: AdapterValues | undefined, eosId: number, options: EngineSessionOptions): Promise<Generator> {
  const g = new Graph('generate');
  const ids = g.input('input_ids', 'int64', [1, 'seq']);
  const adapters = adapter ? new AdapterGraph(g, adapter.config, adapter.modules, { training: false }) : undefined;
  const logits = buildLogits(g, ids, adapters ? (m, x, b) => adapters.apply(m, x, b) : undefined);
  g.output(g.slice(logits, { starts: [-1], ends: [Number.MAX_SAFE_INTEGER], axes: [1] }), 'last_logits');
  const session = await EngineSession.fromGraph(g, options);
  const params: Record<string, { dtype: 'float32'; dims: number[]; data: Float32Array }> = {};
  for (const spec of adapters?.specs ?? []) params[spec.name] = { dtype: 'float32', dims: [...spec.dims], data: adapter!.params.get(spec.name)! };
  return {
    async greedy(promptIds, maxNewTokens) {
      const sequence = [...promptIds];
      const out: number[] = [];
      for (let i = 0; i < maxNewTokens; i++) {
        const feeds = { input_ids: { dtype: 'int64' as const, dims: [1, sequence.length], data: BigInt64Array.from(sequence.map(BigInt)) }, ...params };
        const row = (await session.run(feeds, ['last_logits'])).last_logits.data as Float32Array;
        let best = 0;
        for (let v = 1; v < row.length; v++) if (row[v] > row[best]) best = v;
        if (best === eosId) break;
        out.push(best);
        sequence.push(best);
      }
      return out;
    },
    dispose: () => session.dispose(),
  };
}

const tokenizers = new WeakMap<BaseModel, TextEncoder>();

export const modelAccess: ModelAccess = {
  async loadBaseModel(loaded) {
    const dir = loaded.resolve(loaded.experiment.model.path);
    const config = readHfConfig(dir);
    const index = safetensorsIndex(dir);
    const tokenizer = loadTokenizer(dir, loaded.experiment.model.tokenizer ? loaded.resolve(loaded.experiment.model.tokenizer) : undefined);
    const buildLogits: LogitsBuilder = (g, inputIds, hook) => decoderLogits(g, inputIds, config, weightAccessor(g, index), hook);
    const base: BaseModel = {
      config, path: dir, padId: config.eosTokenId, buildLogits,
      decode: (ids) => tokenizer.decode([...ids], { skip_special_tokens: true }),
      createGenerator: (adapter, options) => prefixGenerator(buildLogits, adapter, config.eosTokenId, options),
    };
    tokenizers.set(base, { encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids, bosId: config.bosTokenId, eosId: config.eosTokenId });
    return base;
  },

  async loadTrainTasks(loaded, model, options) {
    const tok = tokenizers.get(model)!;
    return loaded.experiment.tasks.map((task) => ({ name: task.name, examples: readRecords(loaded.resolve(task.train)).map((r) => encodeRecord(r, tok, options)) }));
  },

  async loadTestTask(loaded, model, t, options) {
    const tok = tokenizers.get(model)!;
    const task = loaded.experiment.tasks[t];
    const records = readRecords(loaded.resolve(task.test as string));
    const chosen = options.limit ? records.slice(0, options.limit) : records;
    const examples = chosen.map((r) => {
      const { promptIds, ...encoded } = encodeRecord(r, tok, { maxLength: options.maxLength, trainOnInputs: false });
      return { encoded, promptIds, answer: r.answer ?? r.output };
    });
    return { examples, pattern: answerPatternFor(task.answerPattern, records) };
  },

  extractAnswer(text, pattern) {
    return new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(text)?.[0];
  },
};
