// What the training and evaluation loops need of the base model, behind one small interface (jobs/baseModel.ts builds it).
import type { EngineSessionOptions } from '../engine';
import type { ModelConfig } from '../model/config';
import type { EncodedExample } from '../data';
import type { AdapterValues } from './evalLoss';
import type { LogitsBuilder, SessionOpener } from './trainGraph';

export interface Generator {
  /** Greedy continuation of `promptIds` (KV cache), stopping at EOS or after maxNewTokens; returns the new ids. */
  greedy(promptIds: readonly number[], maxNewTokens: number): Promise<number[]>;
  dispose(): Promise<void>;
}

export interface BaseModel {
  config: ModelConfig;
  /** The model path as resolved from the experiment. */
  path: string;
  padId: number;
  /** Bytes of the weights as stored (safetensors headers), for the memory estimate; absent: unknown. */
  weightBytes?: number;
  buildLogits: LogitsBuilder;
  /** Sessions over graphs built with buildLogits (a checkpoint's weights read in place); absent: in memory. */
  openSession?: SessionOpener;
  decode(ids: readonly number[]): string;
  createGenerator(adapter: AdapterValues | undefined, options: EngineSessionOptions): Promise<Generator>;
}

/** One held-out example: its encoded form for the loss, its prompt ids for generation, the gold answer. */
export interface EvalExample {
  encoded: EncodedExample;
  promptIds: number[];
  answer?: string;
}

export interface TaskSplit {
  name: string;
  examples: EncodedExample[];
}
