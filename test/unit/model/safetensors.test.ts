import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeSafetensors, readSafetensors, readSafetensorsHeader, writeSafetensors, type WeightTensor } from '../../../src/core/model';
import { float16ToFloat32, float32ToBfloat16, float32ToFloat16, bfloat16ToFloat32 } from '../../../src/core/model/halfFloat';
import { maxAbsDiff, tempDir } from './helpers';

const tensors = new Map<string, WeightTensor>([
  ['a.weight', { dims: [2, 3], data: Float32Array.from([0.5, -1.25, 3, 1e-3, -2e4, 0]) }],
  ['b.bias', { dims: [3], data: Float32Array.from([1, 2, 3]) }],
]);

test('safetensors F32 round trip, written whole or streamed', () => {
  const dir = tempDir();
  const streamed = path.join(dir, 'streamed.safetensors');
  writeSafetensors(streamed, tensors, { metadata: { format: 'pt' } });
  assert.deepEqual(fs.readFileSync(streamed), Buffer.from(encodeSafetensors(tensors, { metadata: { format: 'pt' } })));
  const { tensors: back, metadata } = readSafetensors(streamed);
  assert.deepEqual(metadata, { format: 'pt' });
  assert.deepEqual([...back.keys()], ['a.weight', 'b.bias']);
  assert.deepEqual(back.get('a.weight'), tensors.get('a.weight'));
  const header = readSafetensorsHeader(streamed);
  assert.equal((8 + Number(fs.readFileSync(streamed).readBigUInt64LE(0))) % 8, 0, 'header padded to 8 bytes');
  assert.equal(header.tensors.get('b.bias')?.length, 12);
});

for (const dtype of ['F16', 'BF16'] as const) {
  test(`safetensors ${dtype} tensors are widened to float32`, () => {
    const file = path.join(tempDir(), 'half.safetensors');
    writeSafetensors(file, tensors, { dtype });
    const back = readSafetensors(file).tensors.get('a.weight')!;
    assert.equal(readSafetensorsHeader(file).tensors.get('a.weight')?.dtype, dtype);
    const original = tensors.get('a.weight')!.data;
    for (let i = 0; i < original.length; i++) assert.ok(Math.abs(back.data[i] - original[i]) <= Math.abs(original[i]) * (dtype === 'F16' ? 1e-3 : 8e-3));
  });
}

test('half-float conversions handle exact values, rounding and specials', () => {
  const values = Float32Array.from([0, -0, 1, -2.5, 65504, 6.103515625e-5, 5.960464477539063e-8, Infinity, -Infinity]);
  assert.deepEqual(float16ToFloat32(float32ToFloat16(values)), values);
  assert.ok(Number.isNaN(float16ToFloat32(float32ToFloat16(Float32Array.from([NaN])))[0]));
  assert.equal(float16ToFloat32(float32ToFloat16(Float32Array.from([1e6])))[0], Infinity);
  const bf = Float32Array.from([1, -3.140625, 256, 1e30]);
  assert.ok(maxAbsDiff(bfloat16ToFloat32(float32ToBfloat16(bf)), bf) <= 1e30 * 4e-3);
  assert.equal(bfloat16ToFloat32(float32ToBfloat16(Float32Array.from([1 + 2 ** -8])))[0], 1, 'ties round to even');
});

test('a truncated safetensors file names the tensor that runs past the end', () => {
  const file = path.join(tempDir(), 'cut.safetensors');
  const bytes = encodeSafetensors(tensors);
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - 4));
  assert.throws(() => readSafetensorsHeader(file), /cut\.safetensors: tensor b\.bias runs past the end of the file/);
  fs.writeFileSync(file, bytes.subarray(0, 12));
  assert.throws(() => readSafetensorsHeader(file), /cut\.safetensors: header length \d+ does not fit the file/);
});

test('unsupported dtypes and a missing tensor are named', () => {
  const file = path.join(tempDir(), 'int.safetensors');
  const header = JSON.stringify({ ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } });
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(header.length));
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header), Buffer.alloc(8)]));
  assert.throws(() => readSafetensors(file), /int\.safetensors: tensor ids has dtype I64; F32, F16 and BF16 are supported/);
  assert.throws(() => readSafetensors(file, ['nope']), /int\.safetensors: missing tensor nope/);
});
