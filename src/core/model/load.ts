// One entry point for every checkpoint format: locate (headers only), describe (for the editor), load (weights in memory).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allModules, type ModelConfig, type ModelFormat } from './config';
import { ModelFileError } from './errors';
import { locateHfModel, readHfConfigFile } from './hfFolder';
import { llama2cConfig, locateLlama2c, readLlama2cHeader } from './llama2c';
import { openForReading, readTensor, type TensorLocation, type WeightTensor } from './safetensors';
import { weightSpecs, type LoadedModel } from './weights';

export interface LocatedCheckpoint {
  config: ModelConfig;
  format: ModelFormat;
  path: string;
  /** Each model tensor's bytes in its file (F32, F16 or BF16), keyed by HF name. */
  locations: Map<string, TensorLocation>;
}

/** What reading the model's headers (config.json / safetensors header / llama2.c header) found. */
export type ModelFacts =
  | { status: 'ok'; format: ModelFormat; config: ModelConfig; modules: readonly string[]; weightBytes?: number }
  | { status: 'missing' | 'unreadable' | 'unknown-format'; detail: string };

export type FormatChoice = ModelFormat | 'auto';

/** A folder is a Hugging Face model; a file is a llama2.c checkpoint. */
export function detectFormat(modelPath: string): ModelFormat {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(modelPath);
  } catch {
    throw new ModelFileError(modelPath, 'does not exist');
  }
  if (stat.isDirectory()) return 'hf';
  if (path.extname(modelPath) === '.safetensors') {
    throw new ModelFileError(modelPath, 'is a single safetensors file; give the Hugging Face model folder (with config.json) instead');
  }
  return 'llama2c';
}

/** Reads headers only: config, tensor names, shapes and byte ranges (checked against the config). */
export function locateCheckpoint(modelPath: string, format: FormatChoice = 'auto'): LocatedCheckpoint {
  const resolved = path.resolve(modelPath);
  const actual = format === 'auto' ? detectFormat(resolved) : format;
  const located = actual === 'hf' ? locateHfModel(resolved) : locateLlama2c(resolved);
  return { ...located, format: actual, path: resolved };
}

export interface ModelDescription {
  config: ModelConfig;
  format: ModelFormat;
  /** Adaptable modules (`model.layers.{i}.self_attn.q_proj`, ...), layer-major. */
  modules: string[];
  /** Bytes of the weights as stored (for the memory estimate). */
  weightBytes: number;
}

/** What the editor needs, from config.json / safetensors headers / the llama2.c header — never the weights. */
export function describeModel(modelPath: string, format: FormatChoice = 'auto'): ModelDescription {
  const located = locateCheckpoint(modelPath, format);
  return { config: located.config, format: located.format, modules: allModules(located.config).map((m) => m.name), weightBytes: storedWeightBytes(located) };
}

/** describeModel as the editor's ModelFacts: never throws, failures become statuses with the message. */
export function modelFacts(modelPath: string, format: FormatChoice = 'auto'): ModelFacts {
  if (!fs.existsSync(modelPath)) return { status: 'missing', detail: `${modelPath} does not exist` };
  try {
    return { status: 'ok', ...describeModel(modelPath, format) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: error instanceof ModelFileError && /does not start with|single safetensors/.test(message) ? 'unknown-format' : 'unreadable', detail: message };
  }
}

/** Bytes of the model's weights as stored (what stays resident while a job runs), from the headers. */
export function storedWeightBytes(located: LocatedCheckpoint): number {
  return weightSpecs(located.config).reduce((sum, spec) => sum + (located.locations.get(spec.name)?.length ?? 0), 0);
}

/** Loads every model tensor into memory as float32 (F16/BF16 widened), one tensor at a time. */
export function loadModel(modelPath: string, format: FormatChoice = 'auto'): LoadedModel {
  const located = locateCheckpoint(modelPath, format);
  const tensors = new Map<string, WeightTensor>();
  const descriptors = new Map<string, number>();
  try {
    for (const spec of weightSpecs(located.config)) {
      const location = located.locations.get(spec.name) as TensorLocation;
      let fd = descriptors.get(location.file);
      if (fd === undefined) descriptors.set(location.file, (fd = openForReading(location.file)));
      tensors.set(spec.name, { dims: location.dims, data: readTensor(fd, spec.name, location) });
    }
  } finally {
    for (const fd of descriptors.values()) fs.closeSync(fd);
  }
  return { config: located.config, format: located.format, tensors, path: located.path };
}

/**
 * The architecture alone, from config.json or the llama2.c header: enough for parameter accounting,
 * and it works on a folder that holds only config.json (no weights).
 */
export function readArchitecture(modelPath: string, format: FormatChoice = 'auto'): ModelConfig {
  const actual = format === 'auto' ? detectFormat(modelPath) : format;
  return actual === 'llama2c' ? llama2cConfig(readLlama2cHeader(modelPath)) : readHfConfigFile(modelPath);
}
