// Runs the probe graph on batches. One graph and one session for the whole job (the method assignment is fixed):
// frozen weights stay inside the session, batch and length are dynamic dims.
import type { EngineSession, Graph, HostTensor } from '../engine';
import { padBatch, paddedLength, type EncodedExample } from '../data';
import { buildProbeGraph, INPUT_IDS, LABELS, NORMS, type ProbeForward } from './graph';
import type { NormMethod } from './norms';
import type { ProbeTarget } from './targets';

export interface ProbeRunnerOptions {
  forward: ProbeForward;
  targets: readonly ProbeTarget[];
  /** The form of each target (see methodsFor). */
  methods: readonly NormMethod[];
  /** Loads a graph (in-memory weights inline; checkpoint slices through a saved model file). */
  createSession: (g: Graph) => Promise<EngineSession>;
  /** Id written at padded positions (their labels are -100, so any valid id does). */
  padId?: number;
  /** The job's max length: padding rounds batch lengths up (batchWidth) but not past it. */
  maxLength?: number;
  /** The LM head on the scored rows only (data/batch.ts picksScoredRows). */
  scoredRowsOnly?: boolean;
}

function int64Rows(rows: readonly (readonly number[])[], width: number): HostTensor {
  const data = new BigInt64Array(rows.length * width);
  rows.forEach((row, b) => row.forEach((v, t) => { data[b * width + t] = BigInt(v); }));
  return { dtype: 'int64', dims: [rows.length, width], data };
}

export class ProbeRunner {
  private session: Promise<EngineSession> | undefined;
  readonly methods: readonly NormMethod[];
  /** The provider the session runs on ('cpu', 'cuda' or 'webgpu'); undefined before the first batch. */
  device: string | undefined;

  constructor(private readonly options: ProbeRunnerOptions) {
    this.methods = options.methods;
    if (options.methods.length !== options.targets.length) throw new Error(`${options.methods.length} methods for ${options.targets.length} targets`);
  }

  /** `result[m][b]`: example b's ||dL_b/dW_m||_F^2, in the order of the targets. */
  async norms(examples: readonly EncodedExample[]): Promise<Float64Array[]> {
    if (examples.length === 0) throw new Error('ProbeRunner.norms: empty batch');
    const batch = padBatch(examples, this.options.padId ?? 0, paddedLength(examples, this.options.maxLength));
    const session = await this.ready();
    const out = await session.run({ [INPUT_IDS]: int64Rows(batch.inputIds, batch.length), [LABELS]: int64Rows(batch.labels, batch.length) }, [NORMS]);
    const values = out[NORMS].data as Float32Array | Float64Array;
    return this.options.targets.map((_, m) => Float64Array.from(values.subarray(m * examples.length, (m + 1) * examples.length)));
  }

  /** Builds the session now (the job's loading phase) rather than on the first batch. */
  async prepare(): Promise<void> {
    await this.ready();
  }

  private async ready(): Promise<EngineSession> {
    this.session ??= this.options.createSession(buildProbeGraph(this.options.forward, this.options.targets, this.options.methods, { scoredRowsOnly: this.options.scoredRowsOnly }));
    const session = await this.session;
    this.device = session.device;
    return session;
  }

  async dispose(): Promise<void> {
    const pending = this.session;
    this.session = undefined;
    if (pending) await (await pending).dispose();
  }
}
