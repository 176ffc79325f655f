// Zero-weight model files for the UI workspaces: shared by the dashboard and editor fixtures.

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
