// The real config.json fields of the models users fine-tune (random weights of exactly these shapes are generated).
export interface ScaleShape {
  name: string;
  /** config.json as the Hugging Face hub ships it (the fields our reader looks at, plus the ones it must tolerate). */
  config: Record<string, unknown>;
  /** Split the weights into shards of at most this many bytes (with model.safetensors.index.json). */
  shardBytes?: number;
  /** Probe examples per task and per run when not 4 (the 3B target is 2 tasks x 2 examples). */
  probeBatch?: number;
}

const QWEN2_COMMON = {
  architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', hidden_act: 'silu', vocab_size: 151936, rms_norm_eps: 1e-6,
  rope_theta: 1000000.0, max_position_embeddings: 32768, sliding_window: 32768, use_sliding_window: false, rope_scaling: null,
  bos_token_id: 151643, eos_token_id: 151643, torch_dtype: 'bfloat16', attention_dropout: 0.0, initializer_range: 0.02, use_cache: true,
};

export const QWEN25_05B: ScaleShape = {
  name: 'qwen2.5-0.5b',
  config: { ...QWEN2_COMMON, hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24, num_attention_heads: 14, num_key_value_heads: 2, max_window_layers: 21, tie_word_embeddings: true },
};

export const QWEN25_15B: ScaleShape = {
  name: 'qwen2.5-1.5b',
  config: { ...QWEN2_COMMON, hidden_size: 1536, intermediate_size: 8960, num_hidden_layers: 28, num_attention_heads: 12, num_key_value_heads: 2, max_window_layers: 21, tie_word_embeddings: true },
};

export const QWEN25_3B: ScaleShape = {
  name: 'qwen2.5-3b',
  config: { ...QWEN2_COMMON, hidden_size: 2048, intermediate_size: 11008, num_hidden_layers: 36, num_attention_heads: 16, num_key_value_heads: 2, max_window_layers: 70, tie_word_embeddings: true },
  shardBytes: 4_000_000_000,
  probeBatch: 2,
};

export const LLAMA2_7B: ScaleShape = {
  name: 'llama-2-7b',
  config: {
    architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_act: 'silu', vocab_size: 32000, hidden_size: 4096, intermediate_size: 11008,
    num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 32, rms_norm_eps: 1e-5, rope_theta: 10000.0, rope_scaling: null,
    max_position_embeddings: 4096, tie_word_embeddings: false, attention_bias: false, bos_token_id: 1, eos_token_id: 2, torch_dtype: 'bfloat16',
  },
  shardBytes: 10_000_000_000,
};
