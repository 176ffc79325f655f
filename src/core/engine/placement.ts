// Which provider ran each node of a graph, read from onnxruntime's profile of one run (the only per-node record of
// placement onnxruntime-node exposes: the verbose placement log goes to native stderr, and saved models carry none).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEVICE_LABEL, type ResolvedDevice } from './device';

/** Where the nodes of one graph ran during its first run. */
export interface PlacementReport {
  graph: string;
  /** The provider the session was created for. */
  device: ResolvedDevice;
  /** Nodes that ran (copies between host and device excluded). */
  nodes: number;
  /** Nodes that ran on another provider than `device` (onnxruntime's CPU fallback for ops the provider lacks). */
  offDevice: number;
  /** Op type -> nodes of that type that ran off the device. */
  offDeviceOps: Record<string, number>;
  /** Copies onnxruntime inserted between host and device memory. */
  copies: number;
  /** Provider name (onnxruntime's, e.g. `CPUExecutionProvider`) -> nodes it ran. */
  providers: Record<string, number>;
}

const PROVIDER_OF: Record<ResolvedDevice, string> = { cpu: 'CPUExecutionProvider', cuda: 'CUDAExecutionProvider', webgpu: 'WebGpuExecutionProvider' };
const COPY_OPS = new Set(['MemcpyFromHost', 'MemcpyToHost']);
const KERNEL_SUFFIX = '_kernel_time';

interface ProfileEvent {
  cat?: string;
  name?: string;
  args?: { op_name?: string; provider?: string };
}

/** Counts one profile's node events; a node that ran several times (loops) counts once. */
export function placementFromProfile(events: readonly ProfileEvent[], graph: string, device: ResolvedDevice): PlacementReport {
  const seen = new Map<string, { op: string; provider: string }>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name?.endsWith(KERNEL_SUFFIX) || !e.args?.op_name || !e.args.provider) continue;
    seen.set(e.name.slice(0, -KERNEL_SUFFIX.length), { op: e.args.op_name, provider: e.args.provider });
  }
  const report: PlacementReport = { graph, device, nodes: 0, offDevice: 0, offDeviceOps: {}, copies: 0, providers: {} };
  for (const { op, provider } of seen.values()) {
    if (COPY_OPS.has(op)) {
      report.copies += 1;
      continue;
    }
    report.nodes += 1;
    report.providers[provider] = (report.providers[provider] ?? 0) + 1;
    if (provider === PROVIDER_OF[device]) continue;
    report.offDevice += 1;
    report.offDeviceOps[op] = (report.offDeviceOps[op] ?? 0) + 1;
  }
  return report;
}

/** One line for the run log and `--verbose`. */
export function describePlacement(r: PlacementReport): string {
  const where = DEVICE_LABEL[r.device];
  if (r.device === 'cpu') return `graph ${r.graph}: all ${r.nodes} nodes ran on the CPU (CPU session: no GPU provider in use)`;
  if (r.offDevice === 0) return `graph ${r.graph}: all ${r.nodes} nodes ran on ${where} (${r.copies} host/device copies)`;
  const ops = Object.entries(r.offDeviceOps).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([op, n]) => `${op} ×${n}`);
  return `graph ${r.graph}: ${r.offDevice} of ${r.nodes} nodes ran on the CPU instead of ${where} (${ops.join(', ')}; ${r.copies} host/device copies)`;
}

/**
 * A profile folder for one session: onnxruntime names the file itself (prefix + timestamp), so each session gets its
 * own folder and reads back whatever file appears there.
 */
export class PlacementProbe {
  readonly prefix: string;
  private readonly dir: string;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-placement-'));
    this.prefix = path.join(this.dir, 'profile');
  }

  /** Reads the profile written by `endProfiling()`, then removes the folder. */
  read(graph: string, device: ResolvedDevice): PlacementReport {
    try {
      const file = fs.readdirSync(this.dir).find((name) => name.endsWith('.json'));
      if (!file) throw new Error(`onnxruntime wrote no profile in ${this.dir}`);
      return placementFromProfile(JSON.parse(fs.readFileSync(path.join(this.dir, file), 'utf8')) as ProfileEvent[], graph, device);
    } finally {
      this.discard();
    }
  }

  discard(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
