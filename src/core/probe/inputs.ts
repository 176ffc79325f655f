// What the probe reads: the located checkpoint (headers only; weights stay in their files) and, per task, the
// seeded sample of records encoded like training data (Alpaca prompt, response-only labels, truncation).
import { encodeRecord, IGNORE_INDEX, readDatasetSync, sampleIndices, scoredTokens, skippedMessages, type Dataset, type EncodedExample, type Tokenizer } from '../data';
import type { LogLevel } from '../runFolder/context';
import { locateCheckpoint, type FormatChoice, type LocatedCheckpoint } from '../model/load';
import { defaultTokenizerPath, loadTokenizer } from '../model/tokenizer/load';
import type { ProbeTaskInput } from './loop';

export interface ProbeDataPlan {
  model: { path: string; format: FormatChoice; tokenizer?: string };
  tasks: { name: string; file: string }[];
  samplesPerTask: number;
  seed: number;
  maxLength: number;
  /** Score the prompt tokens too (the training setting; default false). */
  trainOnInputs: boolean;
}

type Log = (level: LogLevel, message: string) => void;

const SHOWN_SKIPS = 5;

function tokenizerOnce(plan: ProbeDataPlan, located: LocatedCheckpoint): (file: string) => Tokenizer {
  let cached: Tokenizer | undefined;
  return (file) => {
    if (cached) return cached;
    const tokenizerPath = plan.model.tokenizer ?? defaultTokenizerPath(located.path);
    if (!tokenizerPath) throw new Error(`${file} holds text records, but ${located.path} has no tokenizer.json or tokenizer.bin beside it; give one with --tokenizer (or model.tokenizer in the experiment file)`);
    const tok = loadTokenizer(tokenizerPath, located.config);
    cached = { encode: (text, opts) => tok.encode(text, opts), eosId: tok.eosId, bosId: tok.bosId ?? -1 };
    return cached;
  };
}

function checkIds(example: EncodedExample, vocabSize: number, where: string): void {
  const bad = example.inputIds.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize)
    ?? example.labels.find((id) => id !== IGNORE_INDEX && (!Number.isInteger(id) || id < 0 || id >= vocabSize));
  if (bad !== undefined) throw new Error(`${where} holds token id ${bad}, outside the model's vocabulary of ${vocabSize}; was it tokenized for another model?`);
}

function reportSkipped(dataset: Dataset, log: Log): void {
  if (dataset.skipped.length === 0) return;
  const shown = skippedMessages(dataset).slice(0, SHOWN_SKIPS);
  const more = dataset.skipped.length > SHOWN_SKIPS ? ` (and ${dataset.skipped.length - SHOWN_SKIPS} more)` : '';
  log('warn', `${dataset.file}: ${dataset.skipped.length} malformed record(s) skipped${more}: ${shown.join('; ')}`);
}

function sampleTask(task: ProbeDataPlan['tasks'][number], plan: ProbeDataPlan, located: LocatedCheckpoint, tokenizer: (file: string) => Tokenizer, log: Log): ProbeTaskInput {
  const dataset = readDatasetSync(task.file);
  reportSkipped(dataset, log);
  const encodeWith = dataset.format === 'llm-adapters' ? tokenizer(task.file) : ({ encode: () => [], eosId: -1, bosId: -1 } as Tokenizer);
  const options = { maxLength: plan.maxLength, trainOnInputs: plan.trainOnInputs };
  const examples = sampleIndices(dataset.records.length, plan.samplesPerTask, plan.seed).map((index) => {
    const example = encodeRecord(dataset.records[index], encodeWith, options);
    checkIds(example, located.config.vocabSize, `${task.file} record ${index + 1}`);
    return { index, example };
  });
  const unscored = examples.filter((e) => scoredTokens(e.example) === 0).length;
  if (unscored > 0) log('warn', `task ${task.name}: ${unscored} of ${examples.length} sampled example(s) have no scored token within ${plan.maxLength} tokens; they add 0`);
  return { name: task.name, examples };
}

export function loadProbeInputs(plan: ProbeDataPlan, log: Log): { located: LocatedCheckpoint; tasks: ProbeTaskInput[] } {
  if (plan.tasks.length === 0) throw new Error('no tasks to probe: give at least one --task NAME=FILE (or tasks in the experiment file)');
  const located = locateCheckpoint(plan.model.path, plan.model.format);
  const tokenizer = tokenizerOnce(plan, located);
  return { located, tasks: plan.tasks.map((task) => sampleTask(task, plan, located, tokenizer, log)) };
}
