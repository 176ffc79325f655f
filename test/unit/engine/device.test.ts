// Device choice: the order `auto` tries, the fallback messages (each said once per listener), and a real session
// asked for WebGPU on a machine without a GPU adapter.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { candidateDevices, createOnBestDevice, DeviceMemo, failureReason, type ResolvedDevice } from '../../../src/core/engine/device';
import { EngineSession, Graph } from '../../../src/core/engine';

const NO_ADAPTER = new Error('/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 ... was false. Failed to get a WebGPU adapter: No supported adapters\n');
const NONE = new Map<ResolvedDevice, string>();
const NO_CUDA = new Map<ResolvedDevice, string>([['cuda', 'its provider libraries are not installed']]);
const NO_CUDA_LIBS = new Error('Failed to load library libonnxruntime_providers_shared.so with error: cannot open shared object file');

/** A fake provider set: the listed devices fail with the given errors; every attempt is recorded. */
function fakeCreate(failing: Partial<Record<ResolvedDevice, Error>>) {
  const attempts: ResolvedDevice[] = [];
  const create = async (d: ResolvedDevice): Promise<string> => {
    attempts.push(d);
    const error = failing[d];
    if (error) throw error;
    return `session on ${d}`;
  };
  return { attempts, create };
}

test('auto tries CUDA, then WebGPU, then CPU, skipping those whose prerequisites are missing; named devices are always tried', () => {
  assert.deepEqual(candidateDevices('auto', NONE).order, ['cuda', 'webgpu', 'cpu']);
  const without = candidateDevices('auto', NO_CUDA);
  assert.deepEqual(without.order, ['webgpu', 'cpu']);
  assert.deepEqual([...without.skipped], [['cuda', 'its provider libraries are not installed']]);
  const bare = candidateDevices('auto', new Map([...NO_CUDA, ['webgpu', 'no Vulkan loader (libvulkan.so.1) is installed']]));
  assert.deepEqual(bare.order, ['cpu']);
  assert.deepEqual([...bare.skipped.keys()], ['cuda', 'webgpu']);
  assert.deepEqual(candidateDevices('webgpu', bare.skipped).order, ['webgpu', 'cpu']);
  assert.deepEqual(candidateDevices('cuda', NO_CUDA).order, ['cuda', 'cpu']);
  assert.deepEqual(candidateDevices('cpu', NONE).order, ['cpu']);
});

test('webgpu requested with no adapter: CPU, said once for a job however many sessions it opens', async () => {
  const memo = new DeviceMemo();
  const { attempts, create } = fakeCreate({ webgpu: NO_ADAPTER });
  const job: string[] = [];
  const listener = (m: string) => job.push(m);
  for (let i = 0; i < 3; i++) {
    const result = await createOnBestDevice('webgpu', create, listener, { memo, listener, missing: NO_CUDA });
    assert.deepEqual(result, { session: 'session on cpu', device: 'cpu' });
  }
  assert.deepEqual(attempts, ['webgpu', 'cpu', 'cpu', 'cpu'], 'a provider that failed is not tried again');
  assert.equal(job.length, 1);
  assert.match(job[0], /^device 'webgpu': using CPU \(WebGPU: no WebGPU adapter was found \(no GPU, or no Vulkan\/D3D12\/Metal driver for it\)\)\. WebGPU ships with onnxruntime-node/);
  assert.doesNotMatch(job[0], /onnxruntime_src|webgpu_context/, 'no raw onnxruntime text');

  const otherJob: string[] = [];
  const other = (m: string) => otherJob.push(m);
  await createOnBestDevice('webgpu', create, other, { memo, listener: other, missing: NO_CUDA });
  assert.deepEqual(otherJob, job, 'the next job hears the reason too');
});

test('auto without CUDA libraries and without an adapter names both reasons in one message', async () => {
  const { attempts, create } = fakeCreate({ webgpu: NO_ADAPTER });
  const said: string[] = [];
  const result = await createOnBestDevice('auto', create, (m) => said.push(m), { memo: new DeviceMemo(), missing: NO_CUDA });
  assert.equal(result.device, 'cpu');
  assert.deepEqual(attempts, ['webgpu', 'cpu']);
  assert.equal(said.length, 1);
  assert.match(said[0], /^device 'auto': using CPU \(CUDA: its provider libraries are not installed; WebGPU: no WebGPU adapter was found/);
  assert.match(said[0], /CUDA 12 and cuDNN 9/);
  assert.match(said[0], /Vulkan on Linux/);
});

test('auto with CUDA installed but failing moves on to WebGPU and says why', async () => {
  const { attempts, create } = fakeCreate({ cuda: NO_CUDA_LIBS });
  const said: string[] = [];
  const result = await createOnBestDevice('auto', create, (m) => said.push(m), { memo: new DeviceMemo(), missing: NONE });
  assert.equal(result.device, 'webgpu');
  assert.deepEqual(attempts, ['cuda', 'webgpu']);
  assert.deepEqual(said.length, 1);
  assert.match(said[0], /^device 'auto': using WebGPU \(CUDA: the CUDA provider libraries could not be loaded\)\. To use an NVIDIA GPU/);
});

test('the first provider that works is used silently; a CPU failure is not swallowed', async () => {
  const said: string[] = [];
  const ok = fakeCreate({});
  assert.equal((await createOnBestDevice('auto', ok.create, (m) => said.push(m), { memo: new DeviceMemo(), missing: NONE })).device, 'cuda');
  assert.equal((await createOnBestDevice('webgpu', ok.create, (m) => said.push(m), { memo: new DeviceMemo(), missing: NO_CUDA })).device, 'webgpu');
  assert.deepEqual(said, []);
  const broken = fakeCreate({ cpu: new Error('model is invalid') });
  await assert.rejects(createOnBestDevice('cpu', broken.create, () => undefined, { memo: new DeviceMemo() }), /model is invalid/);
});

test('failure reasons are worded for users; unknown errors keep their first line without the source location', () => {
  assert.equal(failureReason('cuda', NO_CUDA_LIBS), 'the CUDA provider libraries could not be loaded');
  assert.equal(failureReason('webgpu', new Error('[ONNXRuntimeError] : 1 : FAIL : out of memory\nmore')), 'the session could not be created: out of memory');
  assert.equal(failureReason('cuda', new Error('/src/x.cc:12 f() ok == true was false. CUDA failure 100: no CUDA-capable device')), 'the session could not be created: CUDA failure 100: no CUDA-capable device');
});

test("a real session asked for 'webgpu' runs on WebGPU where an adapter exists, else on CPU saying why", async () => {
  const g = new Graph('webgpu_or_cpu');
  g.output(g.mul(g.input('x', 'float32', [4]), 2), 'y');
  const notices: string[] = [];
  const session = await EngineSession.fromGraph(g, { device: 'webgpu', onNotice: (m) => notices.push(m) });
  try {
    const out = await session.run({ x: { dtype: 'float32', dims: [4], data: Float32Array.from([1, 2, 3, 4]) } });
    assert.deepEqual(Array.from(out.y.data as Float32Array), [2, 4, 6, 8]);
    if (session.device === 'webgpu') assert.deepEqual(notices, []);
    else {
      assert.equal(session.device, 'cpu');
      assert.equal(notices.length, 1);
      assert.match(notices[0], /^device 'webgpu': using CPU \(WebGPU: /);
    }
  } finally {
    await session.dispose();
  }
});
