// The in-memory model every loader produces, and the tensors (HF names, [out, in] shapes) a config implies.
import { MODULE_TYPES, moduleName, moduleShape, type ModelConfig, type ModelFormat } from './config';
import { ModelFileError } from './errors';
import type { WeightTensor } from './safetensors';

export interface LoadedModel {
  config: ModelConfig;
  format: ModelFormat;
  /** Hugging Face names: model.embed_tokens.weight, model.layers.{i}.self_attn.q_proj.weight, ..., lm_head.weight when untied. */
  tensors: Map<string, WeightTensor>;
  /** The file or folder it was loaded from ('' when generated in memory). */
  path: string;
}

export interface WeightSpec {
  name: string;
  dims: number[];
  role: 'embedding' | 'norm' | 'matrix' | 'bias';
}

export const EMBEDDING = 'model.embed_tokens.weight';
export const FINAL_NORM = 'model.norm.weight';
export const LM_HEAD = 'lm_head.weight';

export const inputNormName = (layer: number) => `model.layers.${layer}.input_layernorm.weight`;
export const postAttentionNormName = (layer: number) => `model.layers.${layer}.post_attention_layernorm.weight`;

/** Every tensor the model needs, in checkpoint order (q/k/v biases only with attentionBias). */
export function weightSpecs(config: ModelConfig): WeightSpec[] {
  const d = config.hiddenSize;
  const specs: WeightSpec[] = [{ name: EMBEDDING, dims: [config.vocabSize, d], role: 'embedding' }];
  for (let layer = 0; layer < config.numLayers; layer++) {
    specs.push({ name: inputNormName(layer), dims: [d], role: 'norm' });
    for (const type of MODULE_TYPES) {
      const { dIn, dOut } = moduleShape(config, type);
      specs.push({ name: `${moduleName(layer, type)}.weight`, dims: [dOut, dIn], role: 'matrix' });
      if (config.attentionBias && (type === 'q_proj' || type === 'k_proj' || type === 'v_proj')) {
        specs.push({ name: `${moduleName(layer, type)}.bias`, dims: [dOut], role: 'bias' });
      }
    }
    specs.push({ name: postAttentionNormName(layer), dims: [d], role: 'norm' });
  }
  specs.push({ name: FINAL_NORM, dims: [d], role: 'norm' });
  if (!config.tieWordEmbeddings) specs.push({ name: LM_HEAD, dims: [config.vocabSize, d], role: 'matrix' });
  return specs;
}

export function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Throws naming the file and tensor when a tensor is missing or its shape disagrees with the config. */
export function checkTensorShapes(config: ModelConfig, file: string, shapeOf: (name: string) => readonly number[] | undefined, configFile = 'config.json'): void {
  for (const spec of weightSpecs(config)) {
    const dims = shapeOf(spec.name);
    if (!dims) throw new ModelFileError(file, `missing tensor ${spec.name}`);
    if (!sameDims(dims, spec.dims)) {
      throw new ModelFileError(file, `tensor ${spec.name} has shape [${dims}], ${configFile} implies [${spec.dims}]`);
    }
  }
}

/**
 * Reorders the rows of a q/k projection (or its bias) between RoPE layouts: within each head, interleaved row
 * 2j+p is half-split row p*(headDim/2)+j (the permutation of Hugging Face's LLaMA conversion script).
 */
export function permuteRopeRows(t: WeightTensor, heads: number, headDim: number, to: 'half' | 'interleaved'): WeightTensor {
  const rowWidth = t.dims.length === 2 ? t.dims[1] : 1;
  const out = new Float32Array(t.data.length);
  const half = headDim / 2;
  for (let h = 0; h < heads; h++) {
    for (let j = 0; j < half; j++) {
      for (let p = 0; p < 2; p++) {
        const interleavedRow = h * headDim + 2 * j + p;
        const halfRow = h * headDim + p * half + j;
        const [from, into] = to === 'half' ? [interleavedRow, halfRow] : [halfRow, interleavedRow];
        out.set(t.data.subarray(from * rowWidth, (from + 1) * rowWidth), into * rowWidth);
      }
    }
  }
  return { dims: t.dims, data: out };
}

/** The same model with its q/k rows (and biases) in the other RoPE layout; the function computed is unchanged. */
export function withRopeLayout(model: LoadedModel, layout: 'half' | 'interleaved'): LoadedModel {
  const { config } = model;
  if (config.ropeLayout === layout) return model;
  const tensors = new Map(model.tensors);
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const [type, heads] of [['q_proj', config.numHeads], ['k_proj', config.numKvHeads]] as const) {
      for (const suffix of ['weight', 'bias']) {
        const name = `${moduleName(layer, type)}.${suffix}`;
        const t = tensors.get(name);
        if (t) tensors.set(name, permuteRopeRows(t, heads, config.headDim, layout));
      }
    }
  }
  return { ...model, config: { ...config, ropeLayout: layout }, tensors };
}
