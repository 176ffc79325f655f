// Random-weight bf16 checkpoints of real model shapes, written tensor by tensor (never a whole model in memory).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseHfConfig } from '../../../src/core/model/hfConfig';
import { weightSpecs, type WeightSpec } from '../../../src/core/model/weights';
import type { ScaleShape } from './shapes';

const CHUNK = 1 << 24;
const BF16_ONE = 0x3f80;
const DONE_MARKER = '.complete';

/** xorshift32 -> bf16 bits with random sign and mantissa and magnitudes 2^-9..2^-5 (about the scale of trained weights). */
function fillRandomBf16(out: Uint16Array, state: { s: number }): void {
  let s = state.s;
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    out[i] = ((s >>> 31) << 15) | ((118 + ((s >>> 8) & 3)) << 7) | (s & 127);
  }
  state.s = s;
}

function writeTensor(fd: number, spec: WeightSpec, state: { s: number }): void {
  const count = spec.dims.reduce((a, b) => a * b, 1);
  const buffer = new Uint16Array(Math.min(count, CHUNK));
  for (let done = 0; done < count; done += buffer.length) {
    const part = buffer.subarray(0, Math.min(buffer.length, count - done));
    if (spec.role === 'norm') part.fill(BF16_ONE);
    else fillRandomBf16(part, state);
    fs.writeSync(fd, part);
  }
}

function writeShard(file: string, specs: readonly WeightSpec[], state: { s: number }): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const spec of specs) {
    const bytes = 2 * spec.dims.reduce((a, b) => a * b, 1);
    header[spec.name] = { dtype: 'BF16', shape: spec.dims, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.alloc(8 + Buffer.byteLength(json));
  head.writeBigUInt64LE(BigInt(head.length - 8), 0);
  head.write(json, 8, 'utf8');
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, head);
    for (const spec of specs) writeTensor(fd, spec, state);
  } finally {
    fs.closeSync(fd);
  }
}

/** Groups tensors into shards of at most `limit` bytes (one tensor per shard at least). */
function shardsOf(specs: readonly WeightSpec[], limit: number): WeightSpec[][] {
  const shards: WeightSpec[][] = [[]];
  let bytes = 0;
  for (const spec of specs) {
    const size = 2 * spec.dims.reduce((a, b) => a * b, 1);
    if (bytes + size > limit && shards[shards.length - 1].length > 0) {
      shards.push([]);
      bytes = 0;
    }
    shards[shards.length - 1].push(spec);
    bytes += size;
  }
  return shards;
}

/** The model folder for `shape` under `cacheDir`, generated once (a marker file says it is complete). */
export function ensureCheckpoint(cacheDir: string, shape: ScaleShape, log: (m: string) => void): string {
  const dir = path.join(cacheDir, shape.name);
  if (fs.existsSync(path.join(dir, DONE_MARKER))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(shape.config, null, 2) + '\n');
  const specs = weightSpecs(parseHfConfig(shape.config, configFile));
  const started = Date.now();
  const state = { s: 0x9e3779b9 };
  const shards = shape.shardBytes ? shardsOf(specs, shape.shardBytes) : [specs];
  if (shards.length === 1) {
    writeShard(path.join(dir, 'model.safetensors'), specs, state);
  } else {
    const weightMap: Record<string, string> = {};
    shards.forEach((shard, i) => {
      const name = `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`;
      writeShard(path.join(dir, name), shard, state);
      for (const spec of shard) weightMap[spec.name] = name;
    });
    fs.writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }, null, 2) + '\n');
  }
  fs.writeFileSync(path.join(dir, DONE_MARKER), '');
  log(`generated ${dir} (${shards.length} file(s)) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return dir;
}

/** Two pre-tokenized tasks of `examples` records of `length` tokens each (the second half of each is scored). */
export function ensureTasks(cacheDir: string, vocabSize: number, examples: number, length: number): { name: string; file: string }[] {
  const dir = path.join(cacheDir, 'data');
  fs.mkdirSync(dir, { recursive: true });
  const state = { s: 12345 };
  return ['alpha', 'beta'].map((name) => {
    const file = path.join(dir, `${name}-${vocabSize}-${examples}x${length}.jsonl`);
    const lines = Array.from({ length: examples }, () => {
      const ids = Array.from({ length }, () => {
        state.s ^= state.s << 13; state.s ^= state.s >>> 17; state.s ^= state.s << 5;
        return 3 + ((state.s >>> 0) % (vocabSize - 3));
      });
      return JSON.stringify({ input_ids: ids, labels: ids.map((id, t) => (t < length / 2 ? -100 : id)) });
    });
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return { name, file };
  });
}
