// Hugging Face model folders: config.json + model.safetensors, or shards listed by model.safetensors.index.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelConfig } from './config';
import { ModelFileError } from './errors';
import { hfConfigJson, parseHfConfig } from './hfConfig';
import { readSafetensorsHeader, writeSafetensors, type StoredDtype, type TensorLocation, type WeightTensor } from './safetensors';
import { checkTensorShapes, withRopeLayout, type LoadedModel } from './weights';
import { FileAccessError, readRegularText } from '../data/regularFile';

export const CONFIG_FILE = 'config.json';
export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';

export interface LocatedModel {
  config: ModelConfig;
  /** Every tensor of the checkpoint by name (extra ones included), checked against the config. */
  locations: Map<string, TensorLocation>;
}

export function readHfConfigFile(dir: string): ModelConfig {
  const file = path.join(dir, CONFIG_FILE);
  if (!fs.existsSync(file)) throw new ModelFileError(dir, `no ${CONFIG_FILE}; a Hugging Face model folder needs config.json and safetensors weights`);
  return parseHfConfig(readJson(file), file);
}

/** Reads config.json and the safetensors headers (never the weights) and checks every tensor's presence and shape. */
export function locateHfModel(dir: string): LocatedModel {
  const config = readHfConfigFile(dir);
  const locations = hfTensorLocations(dir);
  for (const [name, location] of locations) {
    if (!['F32', 'F16', 'BF16'].includes(location.dtype)) throw new ModelFileError(location.file, `tensor ${name} has dtype ${location.dtype}; F32, F16 and BF16 are supported`);
  }
  checkLayerCount(config, path.join(dir, CONFIG_FILE), locations);
  checkTensorShapes(config, describeWeightFiles(dir, locations), (name) => locations.get(name)?.dims);
  return { config, locations };
}

/** num_hidden_layers must be the number of layers the weights hold: fewer would silently drop layers. */
function checkLayerCount(config: ModelConfig, configFile: string, locations: Map<string, TensorLocation>): void {
  const layers = new Set<number>();
  for (const name of locations.keys()) {
    const match = /^model\.layers\.(\d+)\./.exec(name);
    if (match) layers.add(Number(match[1]));
  }
  if (layers.size !== config.numLayers) {
    throw new ModelFileError(configFile, `field "num_hidden_layers" is ${config.numLayers} but the weights hold ${layers.size} layer(s); correct num_hidden_layers to ${layers.size}`);
  }
}

function describeWeightFiles(dir: string, locations: Map<string, TensorLocation>): string {
  const files = new Set([...locations.values()].map((l) => path.basename(l.file)));
  return files.size === 1 ? path.join(dir, [...files][0]) : path.join(dir, fs.existsSync(path.join(dir, INDEX_FILE)) ? INDEX_FILE : SINGLE_FILE);
}

function hfTensorLocations(dir: string): Map<string, TensorLocation> {
  const indexFile = path.join(dir, INDEX_FILE);
  if (fs.existsSync(indexFile)) return shardedLocations(dir, indexFile);
  const single = path.join(dir, SINGLE_FILE);
  if (fs.existsSync(single)) return readSafetensorsHeader(single).tensors;
  const shards = fs.readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort();
  if (shards.length === 0) throw new ModelFileError(dir, `has ${CONFIG_FILE} but neither ${SINGLE_FILE} nor ${INDEX_FILE}`);
  return new Map(shards.flatMap((shard) => [...readSafetensorsHeader(path.join(dir, shard)).tensors]));
}

function shardedLocations(dir: string, indexFile: string): Map<string, TensorLocation> {
  const index = readJson(indexFile) as { weight_map?: Record<string, string> };
  if (!index.weight_map || typeof index.weight_map !== 'object') throw new ModelFileError(indexFile, 'has no "weight_map" object');
  const headers = new Map<string, Map<string, TensorLocation>>();
  const out = new Map<string, TensorLocation>();
  for (const [name, shard] of Object.entries(index.weight_map)) {
    const shardFile = path.join(dir, shard);
    if (!headers.has(shard)) {
      if (!fs.existsSync(shardFile)) throw new ModelFileError(indexFile, `weight_map sends ${name} to ${shard}, which does not exist`);
      headers.set(shard, readSafetensorsHeader(shardFile).tensors);
    }
    const location = headers.get(shard)?.get(name);
    if (!location) throw new ModelFileError(shardFile, `missing tensor ${name} (${INDEX_FILE} says it is here)`);
    out.set(name, location);
  }
  return out;
}

export interface HfSaveOptions {
  /** Stored dtype (default F32). */
  dtype?: StoredDtype;
  /** Split into shards of at most this many tensors each, with model.safetensors.index.json. */
  tensorsPerShard?: number;
}

/** Writes config.json and the weights; an interleaved-RoPE model gets its q/k rows permuted to the half layout. */
export function saveHfFolder(model: LoadedModel, dir: string, options: HfSaveOptions = {}): string {
  const half = withRopeLayout(model, 'half');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, CONFIG_FILE), JSON.stringify(hfConfigJson(half.config, options.dtype), null, 2) + '\n');
  const entries = [...half.tensors];
  const perShard = options.tensorsPerShard;
  if (!perShard || entries.length <= perShard) {
    writeSafetensors(path.join(dir, SINGLE_FILE), half.tensors, { dtype: options.dtype });
    return dir;
  }
  const shardCount = Math.ceil(entries.length / perShard);
  const weightMap: Record<string, string> = {};
  for (let s = 0; s < shardCount; s++) {
    const shardName = `model-${String(s + 1).padStart(5, '0')}-of-${String(shardCount).padStart(5, '0')}.safetensors`;
    const shard = new Map<string, WeightTensor>(entries.slice(s * perShard, (s + 1) * perShard));
    writeSafetensors(path.join(dir, shardName), shard, { dtype: options.dtype });
    for (const name of shard.keys()) weightMap[name] = shardName;
  }
  fs.writeFileSync(path.join(dir, INDEX_FILE), JSON.stringify({ metadata: {}, weight_map: weightMap }, null, 2) + '\n');
  return dir;
}

export function readJson(file: string): unknown {
  let text: string;
  try {
    text = readRegularText(file);
  } catch (error) {
    throw new ModelFileError(file, error instanceof FileAccessError ? error.detail : `cannot be read (${String(error)})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(file, `is not valid JSON (${(error as Error).message})`);
  }
}
