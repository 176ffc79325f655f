// The WebGPU adapter's description: onnxruntime logs it at verbose level on native stderr, which only a child
// process can capture, so the check re-runs itself with --adapter-log and keeps the lines that describe the GPU.
import { spawnSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { Graph, serializeModel } from '../../src/core/engine';

const DESCRIBES_GPU = /adapter|vendor|architecture|device|driver|backend|vulkan|nvidia/i;

/** Child side: one verbose WebGPU session and one run. */
export async function printAdapterLog(): Promise<void> {
  const g = new Graph('adapter_log');
  g.output(g.mul(g.input('x', 'float32', [4]), 2), 'y');
  const session = await ort.InferenceSession.create(serializeModel(g).bytes, { executionProviders: ['webgpu'], logSeverityLevel: 0, logVerbosityLevel: 0 });
  await session.run({ x: new ort.Tensor('float32', new Float32Array(4), [4]) });
  await session.release();
}

/** Parent side: the child's log lines that describe the GPU (at most 30, each cut to 300 characters). */
export function adapterLog(script: string): string[] {
  const child = spawnSync(process.execPath, [script, '--adapter-log'], { encoding: 'utf8', timeout: 60_000 });
  const lines = `${child.stdout}\n${child.stderr}`.split('\n').filter((line) => DESCRIBES_GPU.test(line));
  return lines.slice(0, 30).map((line) => line.slice(0, 300));
}
