// A header-only model reader for diagnostics and CodeLens: config.json, safetensors headers and the llama2.c header,
// never the weights. Written here because src/core/model had no such reader when the editor needed one; replace the
// body with the core reader once it lands (the ModelFacts contract stays).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { MODULE_TYPES, moduleName, parseModuleName, type ModelConfig } from '../core/model/config';
import type { ModelFacts } from '../core/experiment/facts';

const MAX_HEADER_BYTES = 100 * 1024 * 1024;

class Unreadable extends Error {}

/** Reads what a model path holds without loading weights; never throws (failures become statuses with details). */
export async function readModelFacts(modelPath: string): Promise<ModelFacts> {
  let stat;
  try {
    stat = await fs.stat(modelPath);
  } catch {
    return { status: 'missing', detail: `${modelPath} does not exist` };
  }
  try {
    if (stat.isDirectory()) return await readHfFolder(modelPath);
    if (modelPath.endsWith('.bin')) return await readLlama2c(modelPath);
    return { status: 'unknown-format', detail: 'a single file must be a llama2.c checkpoint (.bin); for a Hugging Face model give its folder' };
  } catch (error) {
    if (error instanceof Unreadable) return { status: 'unreadable', detail: error.message };
    return { status: 'unreadable', detail: `${modelPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
}

async function readHfFolder(dir: string): Promise<ModelFacts> {
  const entries = await fs.readdir(dir);
  if (!entries.includes('config.json')) return { status: 'unknown-format', detail: 'the folder has no config.json' };
  const config = hfConfig(await readJson(path.join(dir, 'config.json')));
  const weightNames = await hfWeightNames(dir, entries);
  const modules = weightNames.map((name) => name.replace(/\.weight$/, '')).filter((name) => parseModuleName(name) !== undefined);
  if (modules.length === 0) throw new Unreadable('its safetensors headers list no model.layers.N.(self_attn|mlp).*_proj weights');
  return { status: 'ok', format: 'hf', config, modules: modules.sort() };
}

async function hfWeightNames(dir: string, entries: string[]): Promise<string[]> {
  if (entries.includes('model.safetensors.index.json')) {
    const index = (await readJson(path.join(dir, 'model.safetensors.index.json'))) as { weight_map?: Record<string, string> };
    if (!index.weight_map) throw new Unreadable('model.safetensors.index.json has no weight_map');
    return Object.keys(index.weight_map);
  }
  const shards = entries.filter((e) => e.endsWith('.safetensors')).sort();
  if (shards.length === 0) throw new Unreadable('the folder has config.json but no *.safetensors weights');
  const names = await Promise.all(shards.map((shard) => safetensorsTensorNames(path.join(dir, shard))));
  return names.flat();
}

/** The tensor names in a safetensors header: u64 LE length, then that many bytes of JSON. */
export async function safetensorsTensorNames(file: string): Promise<string[]> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const prefix = Buffer.alloc(8);
    await handle.read(prefix, 0, 8, 0);
    const length = Number(prefix.readBigUInt64LE(0));
    if (size < 8 || length <= 0 || length > MAX_HEADER_BYTES || length + 8 > size) {
      throw new Unreadable(`${path.basename(file)}: header length ${length} does not fit the file (${size} bytes); the file is truncated or not safetensors`);
    }
    const header = Buffer.alloc(length);
    await handle.read(header, 0, length, 8);
    const parsed = parseJson(header.toString('utf8'), path.basename(file)) as Record<string, unknown>;
    return Object.keys(parsed).filter((key) => key !== '__metadata__');
  } finally {
    await handle.close();
  }
}

function hfConfig(raw: unknown): ModelConfig {
  const c = raw as Record<string, unknown>;
  const need = (key: string): number => {
    const value = c[key];
    if (typeof value !== 'number' || value <= 0) throw new Unreadable(`config.json lacks a positive "${key}"`);
    return value;
  };
  const hiddenSize = need('hidden_size');
  const numHeads = need('num_attention_heads');
  const optional = (key: string, fallback: number) => (typeof c[key] === 'number' ? (c[key] as number) : fallback);
  const modelType = typeof c.model_type === 'string' ? c.model_type : 'llama';
  return {
    modelType,
    vocabSize: need('vocab_size'),
    hiddenSize,
    intermediateSize: need('intermediate_size'),
    numLayers: need('num_hidden_layers'),
    numHeads,
    numKvHeads: optional('num_key_value_heads', numHeads),
    headDim: optional('head_dim', hiddenSize / numHeads),
    rmsNormEps: optional('rms_norm_eps', 1e-6),
    ropeTheta: optional('rope_theta', 10000),
    ropeLayout: 'half',
    tieWordEmbeddings: c.tie_word_embeddings === true,
    attentionBias: modelType === 'qwen2' || c.attention_bias === true,
    maxPositions: optional('max_position_embeddings', 2048),
    bosTokenId: optional('bos_token_id', 1),
    eosTokenId: optional('eos_token_id', 2),
  };
}

/** llama2.c "version 0": seven int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len). */
async function readLlama2c(file: string): Promise<ModelFacts> {
  const handle = await fs.open(file, 'r');
  const header = Buffer.alloc(28);
  try {
    const { bytesRead } = await handle.read(header, 0, 28, 0);
    if (bytesRead < 28) throw new Unreadable(`${path.basename(file)} is shorter than a llama2.c header (28 bytes)`);
  } finally {
    await handle.close();
  }
  const [dim, hidden, layers, heads, kvHeads, vocab, seqLen] = Array.from({ length: 7 }, (_, i) => header.readInt32LE(i * 4));
  if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab === 0 || dim % heads !== 0 || layers > 1024) {
    return { status: 'unknown-format', detail: `${path.basename(file)} does not start with a llama2.c header (dim ${dim}, layers ${layers}, heads ${heads})` };
  }
  const config: ModelConfig = {
    modelType: 'llama2c', vocabSize: Math.abs(vocab), hiddenSize: dim, intermediateSize: hidden, numLayers: layers, numHeads: heads,
    numKvHeads: kvHeads, headDim: dim / heads, rmsNormEps: 1e-5, ropeTheta: 10000, ropeLayout: 'interleaved',
    tieWordEmbeddings: vocab > 0, attentionBias: false, maxPositions: seqLen, bosTokenId: 1, eosTokenId: 2,
  };
  const modules: string[] = [];
  for (let layer = 0; layer < layers; layer++) for (const type of MODULE_TYPES) modules.push(moduleName(layer, type));
  return { status: 'ok', format: 'llama2c', config, modules };
}

async function readJson(file: string): Promise<unknown> {
  return parseJson(await fs.readFile(file, 'utf8'), path.basename(file));
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Unreadable(`${name} is not valid JSON (${(error as Error).message})`);
  }
}
