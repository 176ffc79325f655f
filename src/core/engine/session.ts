// A thin onnxruntime-node session: frozen weights live inside it, small state goes in and out per run.
import * as ort from 'onnxruntime-node';
import { DType, HostArray } from './dtypes';
import * as path from 'node:path';
import { createOnBestDevice, Device, ResolvedDevice } from './device';
import { GraphCore } from './graphCore';
import { PlacementProbe, type PlacementReport } from './placement';
import { serializeModel, SerializedModel } from './serialize';
import { engineRunError } from './engineErrors';
import { PATTERN_KEY_INPUT, PatternKeys } from './patternKey';

/** A tensor on the host: what `run` takes and returns. */
export interface HostTensor {
  dtype: DType;
  dims: readonly number[];
  data: HostArray;
}

export interface EngineSessionOptions {
  /** `cuda` or `webgpu` when asked (`auto`: CUDA, then WebGPU, then CPU); a fallback is reported through onNotice, once per listener. */
  device?: Device;
  /** Threads for one op (default: onnxruntime's choice, i.e. the physical cores). */
  intraOpThreads?: number;
  /** 'basic' is required for float64 gradient checks: higher levels fuse MatMuls with a float32 scale. */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Receives user-visible messages, e.g. why CUDA was not used. */
  onNotice?: (message: string) => void;
  /** Receives where the nodes ran, from a profile of the first run (costs that one run a little). */
  onPlacement?: (report: PlacementReport) => void;
  /** Names the graph in placement reports (default: the model file's name). */
  name?: string;
  /** onnxruntime's CPU arena and memory-pattern planner (default on; docs/memory.md measures both). */
  memoryArena?: boolean;
  memoryPattern?: boolean;
  /** Told when a session starts being built and when it is ready (jobs turn this into loading progress). */
  onLoadStage?: (stage: LoadStage) => void;
}

/** 'mapping': a graph over a checkpoint is being saved with its weights pointing into the file (sessionForModel). */
export type LoadStage = 'mapping' | 'building' | 'built';

/** A model to load: a file path (external data resolves next to it), bytes, or serialised bytes with external data. */
export type ModelSource = string | Uint8Array | SerializedModel;

export class EngineSession {
  private released = false;
  private placement: { probe: PlacementProbe; name: string; report: (r: PlacementReport) => void; notify: (m: string) => void } | undefined;
  /** Models built here have the memory-pattern key input; a model file from elsewhere may not. */
  private readonly patternKeys: PatternKeys | undefined;

  private constructor(
    private readonly session: ort.InferenceSession,
    /** The provider actually used. */
    readonly device: ResolvedDevice,
    /** Messages emitted while creating the session (also sent to onNotice). */
    readonly notices: readonly string[],
  ) {
    this.patternKeys = session.inputNames.includes(PATTERN_KEY_INPUT) ? new PatternKeys() : undefined;
  }

  /** Loads a model on the requested device, falling back (CUDA, WebGPU, CPU) with a notice when a provider fails. */
  static async create(model: ModelSource, options: EngineSessionOptions = {}): Promise<EngineSession> {
    const notices: string[] = [];
    const notify = (message: string): void => {
      notices.push(message);
      options.onNotice?.(message);
    };
    let probe: PlacementProbe | undefined;
    const attempt = async (d: ResolvedDevice): Promise<ort.InferenceSession> => {
      // SMOE_ORT_PROFILE=prefix keeps onnxruntime's profile of every run of every session (docs/memory.md); the
      // placement report, which profiles the first run only, is then left out.
      probe = options.onPlacement && !process.env.SMOE_ORT_PROFILE ? new PlacementProbe() : undefined;
      try {
        return await load(model, d, options, probe?.prefix);
      } catch (error) {
        probe?.discard();
        throw error;
      }
    };
    options.onLoadStage?.('building');
    const { session, device } = await createOnBestDevice(options.device ?? 'auto', attempt, notify, { listener: options.onNotice });
    options.onLoadStage?.('built');
    const created = new EngineSession(session, device, notices);
    if (probe && options.onPlacement) created.placement = { probe, name: options.name ?? modelName(model), report: options.onPlacement, notify };
    return created;
  }

  /** Serialises a graph in memory and loads it. */
  static async fromGraph(graph: GraphCore, options: EngineSessionOptions = {}): Promise<EngineSession> {
    return EngineSession.create(serializeModel(graph), { ...options, name: options.name ?? graph.name });
  }

  /** The graph's inputs (without the memory-pattern key, which `run` feeds itself). */
  get inputNames(): readonly string[] { return this.session.inputNames.filter((name) => name !== PATTERN_KEY_INPUT); }
  get outputNames(): readonly string[] { return this.session.outputNames; }

  /** Runs the model; `fetch` limits the outputs computed (default: all). */
  async run(feeds: Record<string, HostTensor>, fetch?: readonly string[]): Promise<Record<string, HostTensor>> {
    if (this.released) throw new Error('EngineSession.run after dispose()');
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(name, t);
    if (this.patternKeys) ortFeeds[PATTERN_KEY_INPUT] = toOrtTensor(PATTERN_KEY_INPUT, this.patternKeys.feed(feeds));
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      results = fetch ? await this.session.run(ortFeeds, [...fetch]) : await this.session.run(ortFeeds);
    } catch (error) {
      throw engineRunError(error, 'running the model');
    }
    this.reportPlacement();
    const out: Record<string, HostTensor> = {};
    for (const [name, value] of Object.entries(results)) out[name] = fromOrtTensor(value as ort.Tensor);
    return out;
  }

  /** Releases the native session and the weights it holds. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (process.env.SMOE_ORT_PROFILE) this.session.endProfiling();
    await this.session.release();
    this.placement?.probe.discard();
  }

  /** After the first run: stops profiling and hands on where the nodes ran. A profile that cannot be read is said, not thrown. */
  private reportPlacement(): void {
    const placement = this.placement;
    if (!placement) return;
    this.placement = undefined;
    try {
      this.session.endProfiling();
      placement.report(placement.probe.read(placement.name, this.device));
    } catch (error) {
      placement.probe.discard();
      placement.notify(`graph ${placement.name}: no placement report (${error instanceof Error ? error.message : String(error)})`);
    }
  }
}

function modelName(model: ModelSource): string {
  return typeof model === 'string' ? path.basename(model, path.extname(model)) : 'model';
}

async function load(model: ModelSource, device: ResolvedDevice, options: EngineSessionOptions, profilePrefix?: string): Promise<ort.InferenceSession> {
  const profile = profilePrefix ?? process.env.SMOE_ORT_PROFILE;
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: device === 'cpu' ? ['cpu'] : [device, 'cpu'],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    logSeverityLevel: 3,
    enableCpuMemArena: options.memoryArena ?? true,
    enableMemPattern: options.memoryPattern ?? true,
    ...(options.intraOpThreads !== undefined ? { intraOpNumThreads: options.intraOpThreads } : {}),
    ...(profile !== undefined ? { enableProfiling: true, profileFilePrefix: profile } : {}),
  };
  if (typeof model === 'string') return ort.InferenceSession.create(model, sessionOptions);
  if (model instanceof Uint8Array) return ort.InferenceSession.create(model, sessionOptions);
  return ort.InferenceSession.create(model.bytes, { ...sessionOptions, externalData: model.externalData });
}

function toOrtTensor(name: string, t: HostTensor): ort.Tensor {
  if (t.dtype === 'bfloat16') throw new Error(`input ${name}: bfloat16 cannot be fed on the CPU provider; feed float32 or cast in the graph`);
  return new ort.Tensor(t.dtype, t.data as never, [...t.dims]);
}

function fromOrtTensor(value: ort.Tensor): HostTensor {
  const dtype = value.type as DType;
  return { dtype, dims: value.dims, data: value.data as HostArray };
}
