// Shared pieces of the probe tests: isolated HOME, temp folders, tiny models in float64, examples, job contexts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineSession, type Graph, type HostTensor, type Tensor } from '../../../src/core/engine';
import type { EncodedExample } from '../../../src/core/data';
import type { JobContext, MetricEvent, ProgressEvent } from '../../../src/core/runFolder/context';
import { seededUniform, weightSpecs, type LoadedModel, type WeightLookup } from '../../../src/core/model';

// onnxruntime writes under HOME: keep it out of the real home directory.
process.env.HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-test-home-'));

export function tempDir(prefix = 'smoe-probe-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The folder with package.json above the compiled tests, else above the working directory. */
export function projectRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; path.dirname(dir) !== dir; dir = path.dirname(dir)) if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error('no package.json above the tests or the working directory');
}

/** ../shared/data beside the project root, when present. */
export function sharedData(): string | undefined {
  const data = path.resolve(projectRoot(), '..', 'shared', 'data');
  return fs.existsSync(data) ? data : undefined;
}

/** Float64 initializers with the model's values (for exact gradient checks). */
export function float64Weights(model: LoadedModel): (g: Graph) => WeightLookup {
  return (g) => {
    const made = new Map<string, Tensor>();
    return (name) => {
      let t = made.get(name);
      const w = model.tensors.get(name);
      if (!w) throw new Error(`no tensor ${name}`);
      if (!t) made.set(name, (t = g.initializer(name, { dtype: 'float64', dims: w.dims, data: Float64Array.from(w.data) })));
      return t;
    };
  };
}

/** Every weight as a float64 graph input, and the feeds with the model's values. */
export function float64WeightInputs(g: Graph, model: LoadedModel): { lookup: WeightLookup; feeds: Record<string, HostTensor> } {
  const inputs = new Map<string, Tensor>();
  const feeds: Record<string, HostTensor> = {};
  for (const spec of weightSpecs(model.config)) {
    inputs.set(spec.name, g.input(spec.name, 'float64', spec.dims));
    feeds[spec.name] = { dtype: 'float64', dims: spec.dims, data: Float64Array.from(model.tensors.get(spec.name)!.data) };
  }
  return { lookup: (name) => inputs.get(name)!, feeds };
}

export function exactSession(g: Graph): Promise<EngineSession> {
  return EngineSession.fromGraph(g, { device: 'cpu', graphOptimizationLevel: 'basic', intraOpThreads: 1 });
}

export function cpuSession(g: Graph): Promise<EngineSession> {
  return EngineSession.fromGraph(g, { device: 'cpu' });
}

/** Seeded token ids in [3, vocab) with the first `unscored` labels -100 (a prompt), the rest scored. */
export function example(seed: number, length: number, vocab: number, unscored = 0): EncodedExample {
  const uniform = seededUniform(seed);
  const inputIds = Array.from({ length }, () => 3 + Math.floor(uniform() * (vocab - 3)));
  return { inputIds, labels: inputIds.map((id, t) => (t < unscored ? -100 : id)) };
}

export interface RecordingContext extends JobContext {
  progress: (e: ProgressEvent) => void;
  metrics: MetricEvent[];
  progressEvents: ProgressEvent[];
  logs: string[];
}

/** A context that records everything; `onProgress` may abort `controller` to test cancellation. */
export function recordingContext(controller = new AbortController(), onProgress?: (e: ProgressEvent) => void): RecordingContext {
  const ctx: RecordingContext = {
    signal: controller.signal,
    metrics: [],
    progressEvents: [],
    logs: [],
    progress: (e) => { ctx.progressEvents.push(e); onProgress?.(e); },
    metric: (e) => { ctx.metrics.push(e); },
    log: (level, message) => { ctx.logs.push(`${level}: ${message}`); },
    artifact: () => undefined,
  };
  return ctx;
}

export function relativeError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
}
