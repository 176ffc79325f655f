// safetensors: u64 LE header length, a JSON header (name -> dtype, shape, data_offsets), then raw little-endian data.
// Reads go tensor by tensor through a file descriptor, so a large file is never held twice.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileSlice } from '../engine';
import { ModelFileError } from './errors';
import { MAX_HEADER_BYTES, validateSafetensorsHeader } from './safetensorsHeader';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from './halfFloat';
import { FileAccessError, openRegularFile } from '../data/regularFile';

export type StoredDtype = 'F32' | 'F16' | 'BF16';
export const STORED_DTYPES: readonly StoredDtype[] = ['F32', 'F16', 'BF16'];
const BYTES: Record<StoredDtype, number> = { F32: 4, F16: 2, BF16: 2 };
const ENGINE_DTYPE = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' } as const;

/** A float32 tensor in memory (HF [out, in] layout for matrices). */
export interface WeightTensor {
  dims: readonly number[];
  data: Float32Array;
}

/** Where one tensor's bytes sit: absolute file offset and length. */
export interface TensorLocation {
  file: string;
  dtype: StoredDtype;
  dims: readonly number[];
  offset: number;
  length: number;
}

export interface SafetensorsHeader {
  file: string;
  tensors: Map<string, TensorLocation>;
  metadata: Record<string, string>;
}

/** Reads and checks the header only (names, dtypes, shapes, offsets against the file size). */
export function readSafetensorsHeader(file: string): SafetensorsHeader {
  const fd = openForReading(file);
  try {
    const size = fs.fstatSync(fd).size;
    const prefix = readExactly(fd, file, 0, 8, 'the header length');
    const headerLength = Number(Buffer.from(prefix.buffer, prefix.byteOffset, 8).readBigUInt64LE(0));
    if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
      throw new ModelFileError(file, `header length ${headerLength} does not fit the file (${size} bytes); the file is truncated or not safetensors`);
    }
    const json = Buffer.from(readExactly(fd, file, 8, headerLength, 'the header')).toString('utf8');
    return parseHeader(file, json, 8 + headerLength, size);
  } finally {
    fs.closeSync(fd);
  }
}

function parseHeader(file: string, json: string, dataStart: number, size: number): SafetensorsHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ModelFileError(file, 'the safetensors header is not valid JSON (file corrupted?)');
  }
  const { entries, metadata } = validateSafetensorsHeader(file, raw, size - dataStart);
  const tensors = new Map<string, TensorLocation>();
  for (const { name, dtype, shape, begin, end } of entries) {
    tensors.set(name, { file, dtype: dtype as StoredDtype, dims: shape, offset: dataStart + begin, length: end - begin });
  }
  return { file, tensors, metadata };
}

/** Reads one tensor, widened to float32; F32, F16 and BF16 are supported. */
export function readTensor(fd: number, name: string, location: TensorLocation): Float32Array {
  const { file, dtype, dims } = location;
  if (!STORED_DTYPES.includes(dtype)) throw new ModelFileError(file, `tensor ${name} has dtype ${dtype}; F32, F16 and BF16 are supported`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count * BYTES[dtype] !== location.length) {
    throw new ModelFileError(file, `tensor ${name}: shape [${dims}] in ${dtype} needs ${count * BYTES[dtype]} bytes, the header gives ${location.length}`);
  }
  if (dtype === 'F32') {
    const out = new Float32Array(count);
    readInto(fd, file, new Uint8Array(out.buffer), location.offset, `tensor ${name}`);
    return out;
  }
  const bits = new Uint16Array(count);
  readInto(fd, file, new Uint8Array(bits.buffer), location.offset, `tensor ${name}`);
  return dtype === 'BF16' ? bfloat16ToFloat32(bits) : float16ToFloat32(bits);
}

/** Reads the named tensors (default: all) of one file, one at a time. */
export function readSafetensors(file: string, names?: readonly string[]): { tensors: Map<string, WeightTensor>; metadata: Record<string, string> } {
  const header = readSafetensorsHeader(file);
  const wanted = names ?? [...header.tensors.keys()];
  const fd = openForReading(file);
  try {
    const tensors = new Map<string, WeightTensor>();
    for (const name of wanted) {
      const location = header.tensors.get(name);
      if (!location) throw new ModelFileError(file, `missing tensor ${name}`);
      tensors.set(name, { dims: location.dims, data: readTensor(fd, name, location) });
    }
    return { tensors, metadata: header.metadata };
  } finally {
    fs.closeSync(fd);
  }
}

/** An engine initializer pointing at the tensor's bytes in place (cast 16-bit ones to float32 in the graph). */
export function fileSliceOf(location: TensorLocation): FileSlice {
  return { dtype: ENGINE_DTYPE[location.dtype], dims: location.dims, file: path.resolve(location.file), offset: location.offset, length: location.length };
}

export interface WriteOptions {
  metadata?: Record<string, string>;
  /** Stored dtype of every tensor (default F32; narrowing rounds to nearest even). */
  dtype?: StoredDtype;
}

/** The header bytes (padded to 8) and each tensor's stored bytes, in insertion order. */
function planFile(tensors: ReadonlyMap<string, WeightTensor>, options: WriteOptions) {
  const dtype = options.dtype ?? 'F32';
  const header: Record<string, unknown> = { __metadata__: options.metadata ?? { format: 'pt' } };
  let offset = 0;
  for (const [name, t] of tensors) {
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor ${name}: dims [${t.dims}] need ${count} values, it has ${t.data.length}`);
    header[name] = { dtype, shape: t.dims, data_offsets: [offset, offset + BYTES[dtype] * count] };
    offset += BYTES[dtype] * count;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.alloc(8 + Buffer.byteLength(json));
  head.writeBigUInt64LE(BigInt(head.length - 8), 0);
  head.write(json, 8, 'utf8');
  return { head, dataBytes: offset, bytesOf: (t: WeightTensor) => storedBytes(t.data, dtype) };
}

function storedBytes(data: Float32Array, dtype: StoredDtype): Uint8Array {
  const stored = dtype === 'F32' ? data : dtype === 'BF16' ? float32ToBfloat16(data) : float32ToFloat16(data);
  return new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
}

/** The whole file in memory (small files: adapters, checkpoints, fixtures). */
export function encodeSafetensors(tensors: ReadonlyMap<string, WeightTensor>, options: WriteOptions = {}): Uint8Array {
  const plan = planFile(tensors, options);
  const out = new Uint8Array(plan.head.length + plan.dataBytes);
  out.set(plan.head, 0);
  let at = plan.head.length;
  for (const t of tensors.values()) {
    const bytes = plan.bytesOf(t);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** Writes the file tensor by tensor (no whole-file buffer), to `file.tmp` then renamed into place. */
export function writeSafetensors(file: string, tensors: ReadonlyMap<string, WeightTensor>, options: WriteOptions = {}): void {
  const plan = planFile(tensors, options);
  const temporary = `${file}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  try {
    fs.writeSync(fd, plan.head);
    for (const t of tensors.values()) fs.writeSync(fd, plan.bytesOf(t));
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}

/** A descriptor of a regular file (a FIFO or device would block or never end); errors name the file. */
export function openForReading(file: string): number {
  try {
    return openRegularFile(file);
  } catch (error) {
    throw new ModelFileError(file, error instanceof FileAccessError ? error.detail : String(error));
  }
}

/** Fills `target` from `offset`; a short read means the file is truncated. */
export function readInto(fd: number, file: string, target: Uint8Array, offset: number, what: string): void {
  const chunk = 1 << 30;
  for (let done = 0; done < target.length;) {
    const n = fs.readSync(fd, target, done, Math.min(chunk, target.length - done), offset + done);
    if (n === 0) throw new ModelFileError(file, `the file ends inside ${what} (truncated?)`);
    done += n;
  }
}

export function readExactly(fd: number, file: string, offset: number, length: number, what: string): Uint8Array {
  const out = new Uint8Array(length);
  readInto(fd, file, out, offset, what);
  return out;
}
