// Op placement: read from onnxruntime's profile of a real CPU session, and the counting and wording for GPU sessions
// (from profile events shaped like onnxruntime's own).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describePlacement, EngineSession, Graph, placementFromProfile, type PlacementReport } from '../../../src/core/engine';

const feeds = { x: { dtype: 'float32' as const, dims: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) } };

function smallGraph(): Graph {
  const g = new Graph('small_graph');
  const x = g.input('x', 'float32', [2, 3]);
  g.output(g.softmax(g.mul(g.add(x, x), 2), -1), 'y');
  return g;
}

const profileFolders = (tmp: string) => fs.readdirSync(tmp).filter((name) => name.startsWith('smoe-placement-'));

/** Runs `body` with os.tmpdir() pointing at a fresh folder, so the session's profile folder can be watched. */
async function inFreshTmp(body: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'placement-test-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    await body(tmp);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

test('a CPU session reports every node of its graph on the CPU, once, after the first run, and leaves no profile behind', async () => {
  await inFreshTmp(async (tmp) => {
    const reports: PlacementReport[] = [];
    const session = await EngineSession.fromGraph(smallGraph(), { device: 'cpu', graphOptimizationLevel: 'disabled', onPlacement: (r) => reports.push(r) });
    try {
      assert.equal(profileFolders(tmp).length, 1, 'one profile folder while the first run is pending');
      await session.run(feeds);
      await session.run(feeds);
      assert.equal(reports.length, 1);
      const ops = Object.fromEntries(Object.entries(reports[0].providers));
      assert.deepEqual(reports[0], {
        graph: 'small_graph', device: 'cpu', nodes: smallGraph().nodes.length, offDevice: 0, offDeviceOps: {}, copies: 0, providers: ops,
      });
      assert.deepEqual(ops, { CPUExecutionProvider: smallGraph().nodes.length });
      assert.ok(reports[0].nodes >= 3, 'Add, Mul and the softmax ops ran');
      assert.equal(describePlacement(reports[0]), `graph small_graph: all ${reports[0].nodes} nodes ran on the CPU (CPU session: no GPU provider in use)`);
      assert.deepEqual(profileFolders(tmp), [], 'profile folder removed');
    } finally {
      await session.dispose();
    }
  });
});

test('a session disposed before any run reports nothing and removes its profile folder; without onPlacement nothing is profiled', async () => {
  await inFreshTmp(async (tmp) => {
    const reports: PlacementReport[] = [];
    const unused = await EngineSession.fromGraph(smallGraph(), { device: 'cpu', onPlacement: (r) => reports.push(r) });
    await unused.dispose();
    assert.deepEqual(reports, []);
    assert.deepEqual(profileFolders(tmp), []);
    const plain = await EngineSession.fromGraph(smallGraph(), { device: 'cpu' });
    await plain.run(feeds);
    assert.deepEqual(profileFolders(tmp), []);
    await plain.dispose();
  });
});

/** Profile events as onnxruntime writes them (names `<node>_kernel_time`, `args.op_name`, `args.provider`). */
function kernel(node: string, op: string, provider: string) {
  return { cat: 'Node', name: `${node}_kernel_time`, args: { op_name: op, provider } };
}

test('a GPU session counts the nodes that fell back to the CPU, by op type; copies and repeated runs are not nodes', () => {
  const WG = 'WebGpuExecutionProvider';
  const events = [
    { cat: 'Session', name: 'session_initialization', args: {} },
    kernel('MemcpyFromHost_0', 'MemcpyFromHost', WG),
    kernel('MatMul_1', 'MatMul', WG),
    kernel('MatMul_2', 'MatMul', WG),
    kernel('Gather_3', 'Gather', 'CPUExecutionProvider'),
    kernel('Range_4', 'Range', 'CPUExecutionProvider'),
    kernel('Gather_5', 'Gather', 'CPUExecutionProvider'),
    kernel('Gather_5', 'Gather', 'CPUExecutionProvider'),
    { cat: 'Node', name: 'Gather_5_fence_before', args: { op_name: 'Gather' } },
    kernel('MemcpyToHost_6', 'MemcpyToHost', WG),
  ];
  const report = placementFromProfile(events, 'decoder_logits', 'webgpu');
  assert.deepEqual(report, {
    graph: 'decoder_logits', device: 'webgpu', nodes: 5, offDevice: 3, offDeviceOps: { Gather: 2, Range: 1 }, copies: 2,
    providers: { [WG]: 2, CPUExecutionProvider: 3 },
  });
  assert.equal(describePlacement(report), 'graph decoder_logits: 3 of 5 nodes ran on the CPU instead of WebGPU (Gather ×2, Range ×1; 2 host/device copies)');
  const allOn = placementFromProfile([kernel('MatMul_1', 'MatMul', 'CUDAExecutionProvider')], 'g', 'cuda');
  assert.equal(describePlacement(allOn), 'graph g: all 1 nodes ran on CUDA (0 host/device copies)');
});
