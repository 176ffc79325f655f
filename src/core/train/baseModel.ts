// What the training and evaluation jobs need from the model and data layers, behind one small interface.
import type { EngineSessionOptions } from '../engine';
import type { LoadedExperiment } from '../experiment/load';
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

export interface ModelAccess {
  loadBaseModel(loaded: LoadedExperiment): Promise<BaseModel>;
  /** Each task's training file, encoded (Alpaca prompt, response-only labels unless trainOnInputs, truncated). */
  loadTrainTasks(loaded: LoadedExperiment, model: BaseModel, options: { maxLength: number; trainOnInputs: boolean }): Promise<TaskSplit[]>;
  /** Each task's test file (tasks without one are skipped with a warning by the caller), at most `limit` examples. */
  loadTestTask(loaded: LoadedExperiment, model: BaseModel, task: number, options: { maxLength: number; limit?: number }): Promise<{ examples: EvalExample[]; pattern: RegExp }>;
  /** The first match of the task's answer pattern in generated text (undefined when none). */
  extractAnswer(text: string, pattern: RegExp): string | undefined;
}
