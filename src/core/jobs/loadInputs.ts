// The one path from an experiment (or the CLI's flags) to model + tokenizer + encoded, validated task data,
// shared by the probe, train and evaluate jobs (and so the demo, which runs them).
import {
  answerPatternFor, encodePrompt, encodeTextRecord, IGNORE_INDEX, readDatasetSync, sampleIndices, scoredTokens,
  skippedMessages, truncateTokenized, type Dataset, type DatasetFormat, type EncodedExample, type Tokenizer,
} from '../data';
import type { LoadedExperiment } from '../experiment/load';
import { checkEncodedText, checkSomethingToLearn, checkTokenizedRecord, reportSkipped, type ModelLimits, type SkippedRecords } from './checkInputs';
import { locateCheckpoint, type FormatChoice, type LocatedCheckpoint } from '../model/load';
import { defaultTokenizerPath, loadTokenizer } from '../model/tokenizer/load';
import type { TextTokenizer } from '../model/tokenizer/types';
import type { JobReporter } from '../runFolder/context';

export interface ModelSpec {
  path: string;
  format: FormatChoice;
  /** An explicit tokenizer; absent: the tokenizer.json / tokenizer.bin beside the model. */
  tokenizer?: string;
  /** How the user names the model path (`model.path` in the experiment file, or a CLI flag), for messages. */
  field?: string;
}

export interface TaskFile {
  name: string;
  file: string;
  /** The task's configured answer pattern (evaluation); absent: derived from the records' answers. */
  answerPattern?: string;
}

export interface InputRequest {
  model: ModelSpec;
  tasks: readonly TaskFile[];
  /** Tokens kept per example; capped at the model's context window. */
  maxLength: number;
  trainOnInputs: boolean;
  /** Encode a seeded sample of this many records per task (the probe) instead of every record. */
  sample?: { count: number; seed: number };
  /** Keep at most this many records per task (evaluation's limit). */
  limit?: number;
  /** Also encode each prompt alone and keep the gold answer (for generation). */
  prompts?: boolean;
  /** Where the request came from, for error messages about a missing tokenizer. */
  tokenizerHint?: string;
  /** A task none of whose examples scores a token is an error (training, probing); names `lengthField` in the fix. */
  requireLabels?: { lengthField: string };
}

export interface TaskExample {
  /** Index of the record in its file (after malformed records were left out). */
  index: number;
  encoded: EncodedExample;
  /** With `prompts`: what generation starts from (pre-tokenized records: the ids before the first scored label). */
  promptIds?: number[];
  answer?: string;
}

export type { SkippedRecords };

export interface TaskInputs {
  name: string;
  file: string;
  format: DatasetFormat;
  examples: TaskExample[];
  /** The answer pattern: the configured one, or one derived from the records' answers. */
  pattern: RegExp;
}

export interface LoadedInputs {
  located: LocatedCheckpoint;
  tokenizer: TextTokenizer | undefined;
  /** The maxLength actually used (the request's, capped at the model's context window). */
  maxLength: number;
  tasks: TaskInputs[];
  /** One entry per task file, also when nothing was skipped. */
  skipped: SkippedRecords[];
  /** Things the user should know (context-window cap); the caller logs them as warnings. */
  notices: string[];
}

const SHOWN_REASONS = 5;

function tokenizerOf(request: InputRequest, located: LocatedCheckpoint): TextTokenizer | undefined {
  const tokenizerPath = request.model.tokenizer ?? defaultTokenizerPath(located.path);
  return tokenizerPath ? loadTokenizer(tokenizerPath, located.config) : undefined;
}

function textTokenizer(tokenizer: TextTokenizer | undefined, request: InputRequest, located: LocatedCheckpoint, file: string): Tokenizer {
  if (!tokenizer) {
    throw new Error(`${file} holds text records, but ${located.path} has no tokenizer.json or tokenizer.bin beside it; give one with ${request.tokenizerHint ?? 'model.tokenizer in the experiment file'}`);
  }
  return { encode: (text, opts) => tokenizer.encode(text, opts), eosId: tokenizer.eosId, bosId: tokenizer.bosId ?? -1 };
}

function chosenIndices(count: number, request: InputRequest): number[] {
  const all = request.sample ? sampleIndices(count, request.sample.count, request.sample.seed) : [...Array(count).keys()];
  return request.limit ? all.slice(0, request.limit) : all;
}

/** The encoder for one dataset, by its format: pre-tokenized records never need a tokenizer. */
function encoderOf(dataset: Dataset, request: InputRequest, maxLength: number, tokenizer: () => Tokenizer): (index: number) => TaskExample {
  switch (dataset.format) {
    case 'pretokenized':
      return (index) => {
        const encoded = truncateTokenized(dataset.records[index], maxLength);
        if (!request.prompts) return { index, encoded };
        const firstScored = encoded.labels.findIndex((label, t) => t > 0 && label !== IGNORE_INDEX);
        return { index, encoded, promptIds: encoded.inputIds.slice(0, firstScored > 0 ? firstScored : encoded.inputIds.length) };
      };
    case 'llm-adapters': {
      const tok = tokenizer();
      return (index) => {
        const record = dataset.records[index];
        const encoded = encodeTextRecord(record, tok, { maxLength, trainOnInputs: request.trainOnInputs });
        if (!request.prompts) return { index, encoded };
        return { index, encoded, promptIds: encodePrompt(record, tok, Math.max(1, maxLength - 1)), answer: record.answer ?? record.output };
      };
    }
  }
}

interface TaskContext {
  limits: ModelLimits;
  maxLength: number;
  tokenizer: () => Tokenizer;
}

/** Every pre-tokenized record as stored is checked, so a bad id past maxLength or outside the sample still stops the job. */
function checkDataset(dataset: Dataset, limits: ModelLimits): void {
  if (dataset.format !== 'pretokenized') return;
  dataset.records.forEach((record, i) => checkTokenizedRecord(record, { file: dataset.file, line: dataset.lines[i] }, limits));
}

function loadTask(task: TaskFile, request: InputRequest, context: TaskContext): { inputs: TaskInputs; skipped: SkippedRecords } {
  const dataset = readDatasetSync(task.file);
  checkDataset(dataset, context.limits);
  const encode = encoderOf(dataset, request, context.maxLength, context.tokenizer);
  const examples = chosenIndices(dataset.records.length, request).map((index) => {
    const example = encode(index);
    if (dataset.format === 'llm-adapters') checkEncodedText(example.encoded, { file: task.file, line: dataset.lines[index] }, context.limits);
    return example;
  });
  const inputs: TaskInputs = { name: task.name, file: task.file, format: dataset.format, examples, pattern: answerPatternFor(task.answerPattern, dataset.format === 'llm-adapters' ? dataset.records : []) };
  if (request.requireLabels) checkSomethingToLearn(inputs, context.maxLength, request.requireLabels.lengthField);
  const skipped: SkippedRecords = {
    task: task.name, file: task.file, records: dataset.records.length + dataset.skipped.length, skipped: dataset.skipped.length, used: examples.length,
    reasons: skippedMessages(dataset).slice(0, SHOWN_REASONS), unscored: examples.filter((e) => scoredTokens(e.encoded) === 0).length,
  };
  return { inputs, skipped };
}

/** The checkpoint's headers; a path that cannot be read names the field the user set it with. */
function locate(model: ModelSpec): LocatedCheckpoint {
  try {
    return locateCheckpoint(model.path, model.format);
  } catch (error) {
    if (!model.field || !(error instanceof Error)) throw error;
    throw new Error(`${model.field}: ${error.message}`);
  }
}

/**
 * Locates the checkpoint (headers only), resolves its tokenizer, reads every task file, validates each record
 * (token ids against the vocabulary, lengths against the context window) and encodes the chosen records.
 */
export function loadInputs(request: InputRequest): LoadedInputs {
  const located = locate(request.model);
  const tokenizer = tokenizerOf(request, located);
  const window = located.config.maxPositions;
  const maxLength = window > 0 ? Math.min(request.maxLength, window) : request.maxLength;
  const notices = maxLength < request.maxLength
    ? [`maxLength ${request.maxLength} is longer than the model's context window of ${window} tokens (${located.path}); examples are cut at ${window}`]
    : [];
  const tasks: TaskInputs[] = [];
  const skipped: SkippedRecords[] = [];
  for (const task of request.tasks) {
    const limits = { vocabSize: located.config.vocabSize, window, modelPath: located.path };
    const loaded = loadTask(task, request, { limits, maxLength, tokenizer: () => textTokenizer(tokenizer, request, located, task.file) });
    tasks.push(loaded.inputs);
    skipped.push(loaded.skipped);
  }
  return { located, tokenizer, maxLength, tasks, skipped, notices };
}

/** Warnings for what the loader left out or cut, per file, with the structured counts as `skipped-records` events. */
export function logInputProblems(inputs: LoadedInputs, reporter: Pick<JobReporter, 'log' | 'metric'>): void {
  for (const notice of inputs.notices) reporter.log('warn', notice);
  reportSkipped(inputs.skipped, inputs.maxLength, reporter);
}

/** The experiment's model as a ModelSpec (paths resolved against the experiment file). */
export function modelSpecOf(loaded: LoadedExperiment): ModelSpec {
  const { model } = loaded.experiment;
  return { path: loaded.resolve(model.path), format: model.format, tokenizer: model.tokenizer ? loaded.resolve(model.tokenizer) : undefined, field: `${loaded.file}: model.path` };
}

/** The experiment's tasks' training files, or their test files (tasks without one are left out). */
export function taskFilesOf(loaded: LoadedExperiment, split: 'train' | 'test'): TaskFile[] {
  return loaded.experiment.tasks.flatMap((t) => {
    const file = split === 'train' ? t.train : t.test;
    return file ? [{ name: t.name, file: loaded.resolve(file), answerPattern: t.answerPattern }] : [];
  });
}
