// Hugging Face folder -> ModelConfig + frozen-weight initializers pointing into model.safetensors (no copy).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DType, Graph, InitializerSource, Tensor } from '../../engine';
import type { ModelConfig } from '../../model/config';

const DTYPES: Record<string, DType> = { F32: 'float32', BF16: 'bfloat16', F16: 'float16' };

export function readHfConfig(dir: string): ModelConfig {
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(file)) throw new Error(`${dir}: no config.json; model.path must be a Hugging Face model folder`);
  const c = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number | string | boolean | undefined>;
  const heads = Number(c.num_attention_heads);
  const hidden = Number(c.hidden_size);
  return {
    modelType: String(c.model_type ?? 'llama'), vocabSize: Number(c.vocab_size), hiddenSize: hidden, intermediateSize: Number(c.intermediate_size),
    numLayers: Number(c.num_hidden_layers), numHeads: heads, numKvHeads: Number(c.num_key_value_heads ?? heads), headDim: Number(c.head_dim ?? hidden / heads),
    rmsNormEps: Number(c.rms_norm_eps ?? 1e-6), ropeTheta: Number(c.rope_theta ?? 10000), ropeLayout: 'half', tieWordEmbeddings: Boolean(c.tie_word_embeddings),
    attentionBias: c.model_type === 'qwen2' || Boolean(c.attention_bias), maxPositions: Number(c.max_position_embeddings ?? 2048),
    bosTokenId: Number(c.bos_token_id ?? 1), eosTokenId: Number(c.eos_token_id ?? 2),
  };
}

/** Tensor name -> slice of the safetensors file it lives in. */
export function safetensorsIndex(dir: string): Map<string, InitializerSource> {
  const file = path.join(dir, 'model.safetensors');
  if (!fs.existsSync(file)) throw new Error(`${dir}: no model.safetensors`);
  const fd = fs.openSync(file, 'r');
  try {
    const prefix = Buffer.alloc(8);
    fs.readSync(fd, prefix, 0, 8, 0);
    const length = Number(prefix.readBigUInt64LE(0));
    const head = Buffer.alloc(length);
    fs.readSync(fd, head, 0, length, 8);
    const header = JSON.parse(head.toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    const out = new Map<string, InitializerSource>();
    for (const [name, entry] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const dtype = DTYPES[entry.dtype];
      if (!dtype) throw new Error(`${file}: tensor ${name} has dtype ${entry.dtype}; F32, BF16 or F16 are supported`);
      out.set(name, { dtype, dims: entry.shape, file: path.resolve(file), offset: 8 + length + entry.data_offsets[0], length: entry.data_offsets[1] - entry.data_offsets[0] });
    }
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

/** A weight accessor for one graph: initializer on first use, cast to float32 when stored in 16 bits. */
export function weightAccessor(g: Graph, index: Map<string, InitializerSource>): (name: string) => Tensor {
  const made = new Map<string, Tensor>();
  return (name) => {
    const existing = made.get(name);
    if (existing) return existing;
    const source = index.get(name);
    if (!source) throw new Error(`model.safetensors has no tensor ${name}`);
    const t = g.cast(g.initializer(name, source), 'float32');
    made.set(name, t);
    return t;
  };
}
