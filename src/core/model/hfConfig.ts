// config.json of a Hugging Face LLaMA-family model <-> ModelConfig.
import { ModelFileError } from './errors';
import type { ModelConfig } from './config';

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
  const positive = (key: string, fallback?: number): number => {
    const value = c[key] ?? fallback;
    if (typeof value !== 'number' || !(value > 0)) throw new ModelFileError(file, `field "${key}" must be a positive number, found ${JSON.stringify(c[key])}`);
    return value;
  };
  const hiddenSize = positive('hidden_size');
  const numHeads = positive('num_attention_heads');
  const numKvHeads = positive('num_key_value_heads', numHeads);
  if (numHeads % numKvHeads !== 0) throw new ModelFileError(file, `num_attention_heads ${numHeads} is not a multiple of num_key_value_heads ${numKvHeads}`);
  return {
    modelType,
    vocabSize: positive('vocab_size'),
    hiddenSize,
    intermediateSize: positive('intermediate_size'),
    numLayers: positive('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim: positive('head_dim', hiddenSize / numHeads),
    rmsNormEps: positive('rms_norm_eps', 1e-6),
    ropeTheta: positive('rope_theta', 10000),
    ropeLayout: 'half',
    tieWordEmbeddings: c.tie_word_embeddings === true,
    attentionBias: modelType === 'qwen2',
    maxPositions: positive('max_position_embeddings', 2048),
    bosTokenId: firstId(c.bos_token_id, 1),
    eosTokenId: firstId(c.eos_token_id, 2),
  };
}

function checkUnsupportedFeatures(c: RawConfig, file: string): void {
  if (c.hidden_act !== undefined && c.hidden_act !== 'silu') throw new ModelFileError(file, `hidden_act "${String(c.hidden_act)}" is not supported (only silu)`);
  if (c.attention_bias === true && c.model_type !== 'qwen2') throw new ModelFileError(file, 'attention_bias true (biases on q/k/v and o_proj) is not supported; Qwen2-style q/k/v biases are');
  if (c.mlp_bias === true) throw new ModelFileError(file, 'mlp_bias true is not supported');
  if (typeof c.head_dim === 'number' && !Number.isInteger(c.head_dim / 2)) throw new ModelFileError(file, `head_dim ${c.head_dim} must be even for RoPE`);
  // Scaled RoPE (Llama 3.1 "llama3", "linear", "dynamic", YaRN) changes every frequency; silently ignoring it would give wrong logits.
  const scaling = c.rope_scaling as { type?: string; rope_type?: string } | null | undefined;
  if (scaling && (scaling.rope_type ?? scaling.type) !== 'default') {
    throw new ModelFileError(file, `rope_scaling ${JSON.stringify(scaling)} is not supported (only plain RoPE: rope_scaling null)`);
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
    torch_dtype: TORCH_DTYPE[dtype],
  };
}
