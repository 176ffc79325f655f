// Serialisation, external data (incl. bf16 slices of a safetensors-like file), device fallback, errors.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cudaProviderInstalled, EngineSession, Graph, gradients, IR_VERSION, OPSET_VERSION, saveModel, serializeModel } from '../../../src/core/engine';
import { ModelProto } from '../../../src/core/engine/onnxSchema';
import './gradcheck';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'engine-session-'));
}

/** A minimal safetensors file holding one bf16 tensor; returns the data offset and length. */
function writeBf16Safetensors(file: string, values: number[]): { offset: number; length: number } {
  const bits = new Uint16Array(new Uint32Array(Float32Array.from(values).buffer).map((u) => u >>> 16));
  const data = Buffer.from(bits.buffer);
  const header = Buffer.from(JSON.stringify({ w: { dtype: 'BF16', shape: [values.length], data_offsets: [0, data.length] } }));
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(header.length));
  fs.writeFileSync(file, Buffer.concat([size, header, data]));
  return { offset: 8 + header.length, length: data.length };
}

function bf16Graph(file: string, slice: { offset: number; length: number }): Graph {
  const g = new Graph('bf16');
  const x = g.input('x', 'float32', [4]);
  const w = g.initializer('w', { dtype: 'bfloat16', dims: [4], file, ...slice });
  g.output(g.add(x, g.cast(w, 'float32')), 'y');
  return g;
}

const feedX = { x: { dtype: 'float32' as const, dims: [4], data: Float32Array.from([0, 0, 0, 0]) } };

test('bf16 slice of a safetensors file: in the model folder, linked from elsewhere, through a symlink, and in memory', async () => {
  const dir = tmpDir();
  try {
    const weightsDir = path.join(dir, 'hf-model');
    fs.mkdirSync(weightsDir);
    const file = path.join(weightsDir, 'model.safetensors');
    const slice = writeBf16Safetensors(file, [1.5, -2, 0.25, 8]);
    const sessions = [
      async () => EngineSession.create(saveModel(bf16Graph(file, slice), path.join(weightsDir, 'beside.onnx')).modelPath, { device: 'cpu' }),
      async () => {
        const saved = saveModel(bf16Graph(file, slice), path.join(dir, 'elsewhere.onnx'));
        assert.equal(saved.copiedSlices, 0, 'same file system: hard link, no copy');
        return EngineSession.create(saved.modelPath, { device: 'cpu' });
      },
      async () => EngineSession.create(serializeModel(bf16Graph(file, slice)), { device: 'cpu' }),
      async () => {
        // The Hugging Face cache keeps weights as symlinks into a blobs folder.
        const snapshot = path.join(dir, 'snapshot');
        fs.mkdirSync(snapshot);
        fs.symlinkSync(file, path.join(snapshot, 'model.safetensors'));
        const modelDir = path.join(dir, 'session-model');
        fs.mkdirSync(modelDir);
        const saved = saveModel(bf16Graph(path.join(snapshot, 'model.safetensors'), slice), path.join(modelDir, 'via-symlink.onnx'));
        return EngineSession.create(saved.modelPath, { device: 'cpu' });
      },
    ];
    for (const open of sessions) {
      const session = await open();
      const out = await session.run(feedX);
      await session.dispose();
      assert.deepEqual(Array.from(out.y.data as Float32Array), [1.5, -2, 0.25, 8]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('saved model: opset and IR version, large initializers external at aligned offsets, small ones inline', () => {
  const dir = tmpDir();
  try {
    const g = new Graph('layout');
    const x = g.input('x', 'float32', ['batch', 4]);
    const big = g.initializer('big', { dtype: 'float32', dims: [4, 300], data: new Float32Array(1200).fill(1) });
    const big2 = g.initializer('big2', { dtype: 'float32', dims: [300, 4], data: new Float32Array(1200).fill(2) });
    const small = g.initializer('small', { dtype: 'float32', dims: [4], data: Float32Array.from([1, 2, 3, 4]) });
    g.output(g.matmul(g.matmul(g.add(x, small), big), big2), 'y');
    const saved = saveModel(g, path.join(dir, 'm.onnx'));
    const model = ModelProto.toObject(ModelProto.decode(fs.readFileSync(saved.modelPath)), { longs: Number }) as {
      irVersion: number; opsetImport: { version: number }[];
      graph: { initializer: { name: string; externalData?: { key: string; value: string }[] }[] };
    };
    assert.equal(model.irVersion, IR_VERSION);
    assert.equal(model.opsetImport[0].version, OPSET_VERSION);
    const offsets = model.graph.initializer.filter((t) => t.externalData?.length).map((t) => Number(t.externalData?.find((e) => e.key === 'offset')?.value));
    assert.deepEqual(offsets, [0, 8192]); // 4800 bytes each, aligned to 4096
    assert.ok(model.graph.initializer.some((t) => t.name === 'small' && !t.externalData?.length));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('forcing cuda where it is unavailable falls back to cpu with a message saying why', async (t) => {
  if (cudaProviderInstalled()) {
    t.skip('the CUDA provider libraries are installed here, so forcing cuda may really run on a GPU: no fallback to check');
    return;
  }
  const g = new Graph('fallback');
  g.output(g.mul(g.input('x', 'float32', [4]), 2), 'y');
  const notices: string[] = [];
  const session = await EngineSession.fromGraph(g, { device: 'cuda', onNotice: (m) => notices.push(m) });
  try {
    assert.equal(session.device, 'cpu');
    assert.equal(notices.length, 1);
    assert.match(notices[0], /^device 'cuda': using CPU \(CUDA: .+\)/);
    assert.match(notices[0], /CUDA 12 and cuDNN 9/);
    assert.deepEqual(session.notices, notices);
    const out = await session.run(feedX);
    assert.deepEqual(Array.from(out.y.data as Float32Array), [0, 0, 0, 0]);
  } finally {
    await session.dispose();
  }
  await session.dispose();
  await assert.rejects(session.run(feedX), /after dispose/);
});

test("device 'auto' without the CUDA provider libraries skips CUDA and says so", async (t) => {
  if (cudaProviderInstalled()) {
    t.skip('CUDA provider libraries are installed here');
    return;
  }
  const g = new Graph('auto');
  g.output(g.mul(g.input('x', 'float32', [4]), 2), 'y');
  const session = await EngineSession.fromGraph(g, { device: 'auto' });
  await session.dispose();
  assert.notEqual(session.device, 'cuda');
  assert.match(session.notices.join('\n'), /CUDA: its provider libraries are not installed/);
});

test('an op without a gradient rule fails loudly with its name', () => {
  const g = new Graph('norule');
  const x = g.input('x', 'float32', [3]);
  const [y] = g.addNode('Erf', [x], {}, [{ dtype: 'float32', shape: [3] }]);
  assert.throws(() => gradients(g, g.reduceSum(y, undefined, false), [x]), /no gradient rule for op 'Erf'/);
});

test('gradient tensors have deterministic names', () => {
  const names = [0, 1].map(() => {
    const g = new Graph('names');
    const x = g.input('x', 'float32', [3]);
    const w = g.input('w', 'float32', [3]);
    const grads = gradients(g, g.reduceSum(g.mul(g.mul(x, w), x), undefined, false), [x, w]);
    return [...grads.map((t) => t.name), ...g.nodes.map((n) => n.name)];
  });
  assert.deepEqual(names[0], names[1]);
  assert.deepEqual(names[0].slice(0, 2), ['x_grad', 'w_grad']);
  assert.ok(names[0].some((n) => n.startsWith('Mul_1_grad/')));
});
