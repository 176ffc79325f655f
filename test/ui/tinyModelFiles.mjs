// Zero-weight model files for the UI workspaces: shared by the dashboard, editor and training fixtures.
import fs from 'node:fs';
import path from 'node:path';

export const blockOf = (type) => (['q_proj', 'k_proj', 'v_proj', 'o_proj'].includes(type) ? 'self_attn' : 'mlp');

/** safetensors bytes: u64 LE header length, JSON header (F32 tensors, padded to 8 bytes), zero-filled data. */
export function zeroSafetensors(tensors) {
  const header = {};
  let offset = 0;
  for (const [name, shape] of Object.entries(tensors)) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([prefix, Buffer.from(json), Buffer.alloc(offset)]);
}

const TINY_SHAPES = { q_proj: [16, 16], k_proj: [8, 16], v_proj: [8, 16], o_proj: [16, 16], gate_proj: [40, 16], up_proj: [40, 16], down_proj: [16, 40] };
const TINY_CONFIG = {
  model_type: 'llama', vocab_size: 32, hidden_size: 16, intermediate_size: 40, num_hidden_layers: 2,
  num_attention_heads: 4, num_key_value_heads: 2, rms_norm_eps: 1e-5, rope_theta: 10000, max_position_embeddings: 64,
};

/** A 2-layer LLaMA folder (config.json + zero-weight model.safetensors): hidden 16, vocabulary 32, context 64. */
export function writeTinyLlama(modelDir) {
  const tensors = { 'model.embed_tokens.weight': [32, 16] };
  for (const layer of [0, 1]) {
    for (const [type, shape] of Object.entries(TINY_SHAPES)) tensors[`model.layers.${layer}.${blockOf(type)}.${type}.weight`] = shape;
    tensors[`model.layers.${layer}.input_layernorm.weight`] = [16];
    tensors[`model.layers.${layer}.post_attention_layernorm.weight`] = [16];
  }
  tensors['model.norm.weight'] = [16];
  tensors['lm_head.weight'] = [32, 16];
  fs.mkdirSync(modelDir, { recursive: true });
  fs.writeFileSync(path.join(modelDir, 'config.json'), JSON.stringify(TINY_CONFIG, null, 2));
  fs.writeFileSync(path.join(modelDir, 'model.safetensors'), zeroSafetensors(tensors));
}
