// A thin onnxruntime-node session: frozen weights live inside it, small state goes in and out per run.
import * as ort from 'onnxruntime-node';
import { DType, HostArray } from './dtypes';
import { createOnBestDevice, Device, ResolvedDevice } from './device';
import { GraphCore } from './graphCore';
import { serializeModel, SerializedModel } from './serialize';

/** A tensor on the host: what `run` takes and returns. */
export interface HostTensor {
  dtype: DType;
  dims: readonly number[];
  data: HostArray;
}

export interface EngineSessionOptions {
  /** `cuda` when asked (or `auto` and installed), else CPU; a fallback is reported through onNotice. */
  device?: Device;
  /** Threads for one op (default: onnxruntime's choice, i.e. the physical cores). */
  intraOpThreads?: number;
  /** 'basic' is required for float64 gradient checks: higher levels fuse MatMuls with a float32 scale. */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Receives user-visible messages, e.g. why CUDA was not used. */
  onNotice?: (message: string) => void;
}

/** A model to load: a file path (external data resolves next to it), bytes, or serialised bytes with external data. */
export type ModelSource = string | Uint8Array | SerializedModel;

export class EngineSession {
  private released = false;

  private constructor(
    private readonly session: ort.InferenceSession,
    /** The provider actually used. */
    readonly device: ResolvedDevice,
    /** Messages emitted while creating the session (also sent to onNotice). */
    readonly notices: readonly string[],
  ) {}

  /** Loads a model on the requested device, falling back to CPU with a notice when CUDA fails. */
  static async create(model: ModelSource, options: EngineSessionOptions = {}): Promise<EngineSession> {
    const notices: string[] = [];
    const notify = (message: string): void => {
      notices.push(message);
      options.onNotice?.(message);
    };
    const { session, device } = await createOnBestDevice(options.device ?? 'auto', (d) => load(model, d, options), notify);
    return new EngineSession(session, device, notices);
  }

  /** Serialises a graph in memory and loads it. */
  static async fromGraph(graph: GraphCore, options: EngineSessionOptions = {}): Promise<EngineSession> {
    return EngineSession.create(serializeModel(graph), options);
  }

  get inputNames(): readonly string[] { return this.session.inputNames; }
  get outputNames(): readonly string[] { return this.session.outputNames; }

  /** Runs the model; `fetch` limits the outputs computed (default: all). */
  async run(feeds: Record<string, HostTensor>, fetch?: readonly string[]): Promise<Record<string, HostTensor>> {
    if (this.released) throw new Error('EngineSession.run after dispose()');
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(name, t);
    const results = fetch ? await this.session.run(ortFeeds, [...fetch]) : await this.session.run(ortFeeds);
    const out: Record<string, HostTensor> = {};
    for (const [name, value] of Object.entries(results)) out[name] = fromOrtTensor(value as ort.Tensor);
    return out;
  }

  /** Releases the native session and the weights it holds. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}

async function load(model: ModelSource, device: ResolvedDevice, options: EngineSessionOptions): Promise<ort.InferenceSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    logSeverityLevel: 3,
    ...(options.intraOpThreads !== undefined ? { intraOpNumThreads: options.intraOpThreads } : {}),
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
