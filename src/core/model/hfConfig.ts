// config.json of a Hugging Face LLaMA-family model <-> ModelConfig.
import { ModelFileError } from './errors';
import type { Llama3RopeScaling, ModelConfig } from './config';

export const SUPPORTED_MODEL_TYPES = ['llama', 'qwen2', 'mistral'] as const;

type RawConfig = Record<string, unknown>;

/** Parses config.json's content; `file` names it in errors. */
export function parseHfConfig(raw: unknown, file: string): ModelConfig {
  if (typeof raw !== 'object' || raw === null) throw new ModelFileError(file, 'is not a JSON object');
  const c = raw as RawConfig;
  const modelType = c.model_type;
  if (typeof modelType !== 'string' || !(SUPPORTED_MODEL_TYPES as readonly string[]).includes(modelType)) {
    throw new ModelFileError(file, `model_type ${JSON.stringify(modelType)} is not supported (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`);
  }
  checkUnsupportedFeatures(c, file);
  const ropeScaling = llama3Scaling(c, file);
  const slidingWindow = slidingWindowOf(c, file);
  const count = (key: string, fallback?: number): number => wholeField(c, file, key, fallback);
  const positive = (key: string, fallback: number): number => positiveField(c, file, key, fallback);
  const hiddenSize = count('hidden_size');
  const numHeads = count('num_attention_heads');
  const numKvHeads = count('num_key_value_heads', numHeads);
  if (numHeads % numKvHeads !== 0) throw new ModelFileError(file, `num_attention_heads ${numHeads} is not a multiple of num_key_value_heads ${numKvHeads}`);
  if (c.head_dim === undefined && hiddenSize % numHeads !== 0) {
    throw new ModelFileError(file, `hidden_size ${hiddenSize} is not a multiple of num_attention_heads ${numHeads}; set field "head_dim" or correct them`);
  }
  return {
    modelType,
    vocabSize: count('vocab_size'),
    hiddenSize,
    intermediateSize: count('intermediate_size'),
    numLayers: count('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim: count('head_dim', hiddenSize / numHeads),
    rmsNormEps: positive('rms_norm_eps', 1e-6),
    ropeTheta: positive('rope_theta', 10000),
    ropeLayout: 'half',
    tieWordEmbeddings: c.tie_word_embeddings === true,
    attentionBias: modelType === 'qwen2',
    maxPositions: count('max_position_embeddings', 2048),
    bosTokenId: firstId(c.bos_token_id, 1),
    eosTokenId: firstId(c.eos_token_id, 2),
    ...(ropeScaling ? { ropeScaling } : {}),
    ...(slidingWindow !== undefined ? { slidingWindow } : {}),
  };
}

function positiveField(c: RawConfig, file: string, key: string, fallback: number): number {
  const value = c[key] ?? fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw new ModelFileError(file, `field "${key}" must be a positive number, found ${JSON.stringify(c[key])}`);
  return value;
}

/** Llama 3.1/3.2's rope_scaling; null, absent or rope_type "default" mean plain RoPE. */
function llama3Scaling(c: RawConfig, file: string): Llama3RopeScaling | undefined {
  const raw = c.rope_scaling as Record<string, unknown> | null | undefined;
  if (!raw || (raw.rope_type ?? raw.type) === 'default') return undefined;
  const number = (key: string): number => {
    const value = raw[key];
    if (typeof value !== 'number' || !(value > 0)) throw new ModelFileError(file, `rope_scaling.${key} must be a positive number, found ${JSON.stringify(value)}`);
    return value;
  };
  const scaling = { type: 'llama3' as const, factor: number('factor'), lowFreqFactor: number('low_freq_factor'), highFreqFactor: number('high_freq_factor'), originalMaxPositions: number('original_max_position_embeddings') };
  if (scaling.highFreqFactor <= scaling.lowFreqFactor) throw new ModelFileError(file, 'rope_scaling.high_freq_factor must be larger than low_freq_factor');
  return scaling;
}

/** Mistral's sliding_window (null: none); Qwen2 uses it only with use_sliding_window true. */
function slidingWindowOf(c: RawConfig, file: string): number | undefined {
  if (c.sliding_window === undefined || c.sliding_window === null) return undefined;
  if (c.model_type === 'qwen2' && c.use_sliding_window !== true) return undefined;
  if (typeof c.sliding_window !== 'number' || !(c.sliding_window > 0)) throw new ModelFileError(file, `field "sliding_window" must be a positive number or null, found ${JSON.stringify(c.sliding_window)}`);
  return c.sliding_window;
}

/**
 * Upper bounds far above any LLaMA-family model (Llama 3.1 405B: 126 layers, width 16384, vocabulary 128256), so a
 * typo such as 1e9 layers is refused here instead of exhausting memory while the tensor list is built.
 */
const BOUNDS: Record<string, number> = {
  vocab_size: 1 << 22, hidden_size: 1 << 17, intermediate_size: 1 << 19, num_hidden_layers: 1024,
  num_attention_heads: 1024, num_key_value_heads: 1024, head_dim: 4096, max_position_embeddings: 1 << 24,
};

function wholeField(c: RawConfig, file: string, key: string, fallback?: number): number {
  const value = c[key] ?? fallback;
  const max = BOUNDS[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new ModelFileError(file, `field "${key}" must be a whole number from 1 to ${max}, found ${JSON.stringify(c[key] ?? null)}; correct config.json (it must match the weights)`);
  }
  return value;
}

function checkUnsupportedFeatures(c: RawConfig, file: string): void {
  if (c.hidden_act !== undefined && c.hidden_act !== 'silu') throw new ModelFileError(file, `hidden_act "${String(c.hidden_act)}" is not supported (only silu)`);
  if (c.attention_bias === true && c.model_type !== 'qwen2') throw new ModelFileError(file, 'attention_bias true (biases on q/k/v and o_proj) is not supported; Qwen2-style q/k/v biases are');
  if (c.mlp_bias === true) throw new ModelFileError(file, 'mlp_bias true is not supported');
  if (typeof c.head_dim === 'number' && !Number.isInteger(c.head_dim / 2)) throw new ModelFileError(file, `head_dim ${c.head_dim} must be even for RoPE`);
  // Other scaled RoPE ("linear", "dynamic", YaRN) changes every frequency; silently ignoring it would give wrong logits.
  const scaling = c.rope_scaling as { type?: string; rope_type?: string } | null | undefined;
  const kind = scaling ? scaling.rope_type ?? scaling.type : undefined;
  if (scaling && kind !== 'default' && kind !== 'llama3') {
    throw new ModelFileError(file, `rope_scaling ${JSON.stringify(scaling)} is not supported (plain RoPE, rope_scaling null, or rope_type "llama3")`);
  }
}

/** Llama 3 lists several EOS ids; the first is the one generation stops on by default. */
function firstId(value: unknown, fallback: number): number {
  if (Array.isArray(value) && typeof value[0] === 'number') return value[0];
  return typeof value === 'number' ? value : fallback;
}

const TORCH_DTYPE = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' } as const;

/** config.json for a ModelConfig with the half-split RoPE layout Hugging Face checkpoints use; `dtype`: how the weights are stored. */
export function hfConfigJson(config: ModelConfig, dtype: keyof typeof TORCH_DTYPE = 'F32'): RawConfig {
  const modelType = config.attentionBias ? 'qwen2' : (SUPPORTED_MODEL_TYPES as readonly string[]).includes(config.modelType) ? config.modelType : 'llama';
  const architectures = { llama: 'LlamaForCausalLM', qwen2: 'Qwen2ForCausalLM', mistral: 'MistralForCausalLM' }[modelType];
  return {
    architectures: [architectures],
    model_type: modelType,
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.numLayers,
    num_attention_heads: config.numHeads,
    num_key_value_heads: config.numKvHeads,
    head_dim: config.headDim,
    hidden_act: 'silu',
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    tie_word_embeddings: config.tieWordEmbeddings,
    max_position_embeddings: config.maxPositions,
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenId,
    ...(modelType === 'llama' ? { attention_bias: false } : {}),
    ...(config.ropeScaling ? { rope_scaling: {
      rope_type: 'llama3', factor: config.ropeScaling.factor, low_freq_factor: config.ropeScaling.lowFreqFactor,
      high_freq_factor: config.ropeScaling.highFreqFactor, original_max_position_embeddings: config.ropeScaling.originalMaxPositions,
    } } : {}),
    ...(config.slidingWindow !== undefined ? { sliding_window: config.slidingWindow, use_sliding_window: true } : {}),
    torch_dtype: TORCH_DTYPE[dtype],
  };
}
