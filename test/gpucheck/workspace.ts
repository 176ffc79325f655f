// The GPU check's experiments: stories260K (llama2.c, from the pack) and a generated Qwen2.5-0.5B-shaped checkpoint,
// each with two pre-tokenized tasks, a fixed expert map and settings small enough for the 8-minute budget.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allModules, saveHfFolder, seededUniform, weightSpecs, type LoadedModel, type ModelConfig, type ModuleType, type WeightTensor } from '../../src/core/model';

export interface CheckModel {
  label: string;
  experimentFile: string;
  /** Generation time of the checkpoint, when it was generated here. */
  generatedSeconds?: number;
}

const TARGETS: ModuleType[] = ['q_proj', 'v_proj', 'down_proj'];
const TOKENS = 64;
const PROMPT = 8;

/** Qwen2.5-0.5B's shapes (config.json of the published model); `layers` below 24 makes a cheaper model of the same width. */
export function qwen05bConfig(layers = 24): ModelConfig {
  return {
    modelType: 'qwen2', vocabSize: 151936, hiddenSize: 896, intermediateSize: 4864, numLayers: layers, numHeads: 14, numKvHeads: 2, headDim: 64,
    rmsNormEps: 1e-6, ropeTheta: 1000000, ropeLayout: 'half', tieWordEmbeddings: true, attentionBias: true, maxPositions: 512,
    bosTokenId: 151643, eosTokenId: 151645,
  };
}

/** Seeded weights filled in place (randomModel's per-element closure is too slow for half a billion values). */
function randomWeights(config: ModelConfig, seed: number): LoadedModel {
  const uniform = seededUniform(seed);
  const tensors = new Map<string, WeightTensor>();
  for (const spec of weightSpecs(config)) {
    const data = new Float32Array(spec.dims.reduce((a, b) => a * b, 1));
    const scale = spec.role === 'matrix' ? Math.sqrt(3 / spec.dims[1]) : spec.role === 'embedding' ? 0.05 : 0.2;
    const offset = spec.role === 'norm' ? 1 : 0;
    for (let i = 0; i < data.length; i++) data[i] = offset + (2 * uniform() - 1) * scale;
    tensors.set(spec.name, { dims: spec.dims, data });
  }
  return { config, format: 'hf', tensors, path: '' };
}

/** Pre-tokenized records: ids in [3, vocab), the first PROMPT tokens unscored. */
function writeTokens(file: string, count: number, vocab: number, seed: number): string {
  const uniform = seededUniform(seed);
  const lines = Array.from({ length: count }, () => {
    const ids = Array.from({ length: TOKENS }, () => 3 + Math.floor(uniform() * (vocab - 3)));
    return JSON.stringify({ input_ids: ids, labels: ids.map((id, t) => (t < PROMPT ? -100 : id)) });
  });
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function writeExperiment(dir: string, name: string, model: { path: string; format: 'hf' | 'llama2c' }, config: ModelConfig): string {
  const experts: Record<string, number> = {};
  for (const m of allModules(config)) if (TARGETS.includes(m.type)) experts[m.name] = m.type === 'down_proj' ? 1 : 2;
  const file = path.join(dir, `${name}.smoe.json`);
  fs.writeFileSync(file, JSON.stringify({
    name,
    model,
    tasks: [{ name: 'a', train: writeTokens(path.join(dir, 'a.jsonl'), 24, Math.min(config.vocabSize, 32000), 11) },
      { name: 'b', train: writeTokens(path.join(dir, 'b.jsonl'), 24, Math.min(config.vocabSize, 32000), 12) }],
    adapter: { style: 'shared-a', rank: 8, alpha: 16, dropout: 0, targetModules: TARGETS },
    probe: { samplesPerTask: 4, seed: 5, maxLength: TOKENS, batchSize: 4 },
    experts,
    training: {
      maxSteps: 10, microBatchSize: 2, gradientAccumulation: 1, learningRate: 2e-3, weightDecay: 0, warmupSteps: 0, schedule: 'constant',
      maxGradNorm: 1, maxLength: TOKENS, seed: 7, checkpointEvery: 1000,
    },
  }, null, 2));
  return file;
}

/** stories260K: vocabulary 512, 5 layers, float32 llama2.c checkpoint. */
export function storiesModel(workDir: string, storiesBin: string, config: ModelConfig): CheckModel {
  const dir = path.join(workDir, 'stories260K');
  fs.mkdirSync(dir, { recursive: true });
  return { label: 'stories260K', experimentFile: writeExperiment(dir, 'stories260K', { path: path.resolve(storiesBin), format: 'llama2c' }, config) };
}

/** A Qwen2.5-0.5B-shaped bf16 checkpoint with seeded random weights (generated, never carried). */
export function qwenModel(workDir: string, layers: number): CheckModel {
  const config = qwen05bConfig(layers);
  const dir = path.join(workDir, `qwen2.5-0.5b-shaped-${layers}l`);
  const modelDir = path.join(dir, 'model');
  const started = Date.now();
  if (!fs.existsSync(path.join(modelDir, 'model.safetensors'))) saveHfFolder(randomWeights(config, 3), modelDir, { dtype: 'BF16' });
  const generatedSeconds = (Date.now() - started) / 1000;
  const label = layers === 24 ? 'qwen2.5-0.5b-shaped' : `qwen2.5-0.5b-shaped (${layers} of 24 layers)`;
  return { label, generatedSeconds, experimentFile: writeExperiment(dir, 'qwen', { path: modelDir, format: 'hf' }, config) };
}
