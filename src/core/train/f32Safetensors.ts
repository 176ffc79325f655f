// float32-only safetensors for adapter and optimiser tensors (small files written whole; the model's own
// reader handles big multi-dtype checkpoints by slicing them).
import * as fs from 'node:fs';

export interface F32Tensor {
  dims: readonly number[];
  data: Float32Array;
}

/** safetensors bytes: u64 LE header length, JSON header padded to 8 bytes, then the raw data in order. */
export function encodeSafetensors(tensors: ReadonlyMap<string, F32Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor ${name}: dims [${t.dims}] need ${count} values, it has ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: t.dims, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + head.length + offset);
  out.writeBigUInt64LE(BigInt(head.length), 0);
  head.copy(out, 8);
  let at = 8 + head.length;
  for (const t of tensors.values()) {
    Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(out, at);
    at += t.data.byteLength;
  }
  return out;
}

/** Reads every F32 tensor of a safetensors file; errors name the file and what is wrong with it. */
export function readSafetensorsF32(file: string): { tensors: Map<string, F32Tensor>; metadata: Record<string, string> } {
  const bytes = fs.readFileSync(file);
  if (bytes.length < 8) throw new Error(`${file}: too short to be a safetensors file`);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  if (8 + headerLength > bytes.length) throw new Error(`${file}: header length ${headerLength} runs past the end of the file (truncated?)`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  } catch {
    throw new Error(`${file}: the safetensors header is not valid JSON (file corrupted?)`);
  }
  const base = 8 + headerLength;
  const tensors = new Map<string, F32Tensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: [start, end] } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (dtype !== 'F32') throw new Error(`${file}: tensor ${name} is ${dtype}; adapter files hold F32 tensors only`);
    if (base + end > bytes.length) throw new Error(`${file}: tensor ${name} runs past the end of the file (truncated?)`);
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + base + start, bytes.byteOffset + base + end));
    tensors.set(name, { dims: shape, data });
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string> | undefined) ?? {} };
}
