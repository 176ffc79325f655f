// The checks the shared loader runs once, before any work: records against the model (vocabulary, context window),
// tasks that have something to learn from, and what was left out of each file (counted for the log, events.jsonl and
// the extension's notification). Every message names the file, the line or field, and the fix.
import { IGNORE_INDEX, scoredTokens, type DatasetFormat, type EncodedExample } from '../data';
import type { JobReporter, SkippedRecordsEvent } from '../runFolder/context';

/** Where one record came from, for messages: the file and its 1-based line. */
export interface RecordSource {
  file: string;
  line: number;
}

/** What a record is checked against: the model's vocabulary and context window, and where the model lives. */
export interface ModelLimits {
  vocabSize: number;
  /** The context window in tokens (0: unknown). */
  window: number;
  modelPath: string;
}

function badId(ids: readonly number[], vocabSize: number): number {
  return ids.findIndex((id) => id !== IGNORE_INDEX && (!Number.isInteger(id) || id < 0 || id >= vocabSize));
}

/** A pre-tokenized record as stored (before it is cut to maxLength): ids in the vocabulary, length within the window. */
export function checkTokenizedRecord(record: { inputIds: readonly number[]; labels: readonly number[] }, at: RecordSource, model: ModelLimits): void {
  const where = `${at.file}:${at.line}`;
  for (const [field, ids] of [['input_ids', record.inputIds], ['labels', record.labels]] as const) {
    const i = badId(ids, model.vocabSize);
    if (i >= 0) {
      throw new Error(`${where}: "${field}"[${i}] is token id ${ids[i]}, outside the vocabulary of ${model.vocabSize} tokens of ${model.modelPath}; `
        + 're-tokenize the file with this model\'s tokenizer (was it tokenized for another model?)');
    }
  }
  if (model.window > 0 && record.inputIds.length > model.window) {
    throw new Error(`${where}: "input_ids" has ${record.inputIds.length} tokens, more than the context window of ${model.window} tokens of ${model.modelPath}; `
      + `re-tokenize the file with at most ${model.window} tokens per record, or use a model with a longer context window`);
  }
}

/** A text record as the tokenizer encoded it: an id outside the vocabulary means the tokenizer belongs to another model. */
export function checkEncodedText(example: EncodedExample, at: RecordSource, model: ModelLimits): void {
  const i = badId(example.inputIds, model.vocabSize);
  if (i < 0) return;
  throw new Error(`${at.file}:${at.line}: the tokenizer gives token id ${example.inputIds[i]}, outside the vocabulary of ${model.vocabSize} tokens of ${model.modelPath}; `
    + 'the tokenizer belongs to another model: set model.tokenizer to this model\'s tokenizer.json');
}

/** What a task can be fixed with when none of its examples scores a token. */
function nothingToLearnFix(format: DatasetFormat, lengthField: string): string {
  return format === 'pretokenized'
    ? `give records whose "labels" are not all -100 within the first tokens, or raise ${lengthField}`
    : `give the records a non-empty "output", set training.trainOnInputs to true, or raise ${lengthField}`;
}

/** A task none of whose examples has a scored token would train at loss 0 (or probe zeros): an error, before any work. */
export function checkSomethingToLearn(task: { name: string; file: string; format: DatasetFormat; examples: readonly { encoded: EncodedExample }[] }, maxLength: number, lengthField: string): void {
  if (task.examples.length === 0 || task.examples.some((e) => scoredTokens(e.encoded) > 0)) return;
  throw new Error(`${task.file}: task "${task.name}" has nothing to learn from: every label of its ${task.examples.length} record(s) is -100 after cutting to ${maxLength} tokens (${lengthField}); `
    + nothingToLearnFix(task.format, lengthField));
}

/** How one file's records were used: read, skipped as malformed, left out on purpose (sample, limit), unscored. */
export type SkippedRecords = Omit<SkippedRecordsEvent, 'type'>;

/** The line for the log: how many records of the file were skipped and why, and how to fix them. */
export function skippedText(s: SkippedRecords): string {
  const more = s.skipped > s.reasons.length ? ` (and ${s.skipped - s.reasons.length} more)` : '';
  return `${s.file}: ${s.skipped} of ${s.records} record(s) of task "${s.task}" skipped${more}: ${s.reasons.join('; ')}; fix or remove these records`;
}

/** For evaluation: the scores cover fewer records than the file holds; says how many and why. */
export function coverageText(s: SkippedRecords, limitField: string): string | undefined {
  if (s.used >= s.records) return undefined;
  const why = [
    ...(s.skipped > 0 ? [`${s.skipped} skipped as malformed`] : []),
    ...(s.records - s.skipped > s.used ? [`${s.records - s.skipped - s.used} beyond ${limitField}`] : []),
  ];
  return `task "${s.task}": scores cover ${s.used} of ${s.records} record(s) of ${s.file} (${why.join(', ')})`;
}

/**
 * Reports what the loader left out, per file: a structured `skipped-records` event (events.jsonl, the extension's
 * notification) and a warning line (the CLI, the output channel). Files with nothing left out stay quiet.
 */
export function reportSkipped(skipped: readonly SkippedRecords[], maxLength: number, reporter: Pick<JobReporter, 'log' | 'metric'>): void {
  for (const s of skipped) {
    if (s.skipped === 0 && s.unscored === 0) continue;
    reporter.metric({ type: 'skipped-records', ...s });
    if (s.skipped > 0) reporter.log('warn', skippedText(s));
    if (s.unscored > 0) reporter.log('warn', `task "${s.task}": ${s.unscored} of ${s.used} example(s) of ${s.file} have no scored token within ${maxLength} tokens; they add 0`);
  }
}

/** One sentence for a job's closing notification: per file, how many records it skipped or could not score. */
export function skippedSummary(events: readonly SkippedRecords[]): string | undefined {
  const parts = events.flatMap((s) => [
    ...(s.skipped > 0 ? [`task "${s.task}": ${s.skipped} of ${s.records} record(s) of ${s.file} skipped as malformed`] : []),
    ...(s.unscored > 0 ? [`task "${s.task}": ${s.unscored} of ${s.used} example(s) of ${s.file} with nothing scored`] : []),
  ]);
  return parts.length > 0 ? `Data left out: ${parts.join('; ')}. The log lists the lines.` : undefined;
}
