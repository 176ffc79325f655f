// Dataset records and their validation: LLM-Adapters text records and pre-tokenized records.

/** An LLM-Adapters record (`input` is "" when the file has none). */
export interface TextRecord {
  instruction: string;
  input: string;
  output: string;
  answer?: string;
}

/** A pre-tokenized record (`{"input_ids": [...], "labels": [...]}`, Hugging Face label convention). */
export interface TokenizedRecord {
  inputIds: number[];
  labels: number[];
}

export type DatasetRecord = TextRecord | TokenizedRecord;
export type DatasetFormat = 'llm-adapters' | 'pretokenized';

/** A record or a line that was left out, and why. */
export interface SkippedRecord {
  /** 1-based line of the JSONL line, or of the start of the array element. */
  line: number;
  reason: string;
}

export type ParsedRecord = { format: 'llm-adapters'; record: TextRecord } | { format: 'pretokenized'; record: TokenizedRecord };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalText(row: Record<string, unknown>, key: string): string | undefined {
  const value = row[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`"${key}" is ${Array.isArray(value) ? 'an array' : typeof value}, not text`);
}

function textRecord(row: Record<string, unknown>): TextRecord {
  if (typeof row.instruction !== 'string') throw new Error('"instruction" must be a string');
  if (typeof row.output !== 'string') throw new Error('"output" must be a string');
  const answer = optionalText(row, 'answer');
  return { instruction: row.instruction, input: optionalText(row, 'input') ?? '', output: row.output, ...(answer !== undefined ? { answer } : {}) };
}

function tokenIds(value: unknown, key: string, allowIgnore: boolean): number[] {
  if (!Array.isArray(value)) throw new Error(`"${key}" must be an array of token ids`);
  value.forEach((id, i) => {
    if (!Number.isInteger(id) || ((id as number) < 0 && !(allowIgnore && id === -100))) throw new Error(`"${key}"[${i}] = ${JSON.stringify(id)} is not a token id${allowIgnore ? ' or -100' : ''}`);
  });
  return value as number[];
}

function tokenizedRecord(row: Record<string, unknown>): TokenizedRecord {
  const inputIds = tokenIds(row.input_ids, 'input_ids', false);
  if (inputIds.length === 0) throw new Error('"input_ids" is empty');
  if (row.labels === undefined) return { inputIds, labels: [...inputIds] };
  const labels = tokenIds(row.labels, 'labels', true);
  if (labels.length !== inputIds.length) throw new Error(`"labels" has ${labels.length} entries, "input_ids" ${inputIds.length} (they must be the same length)`);
  return { inputIds, labels };
}

/** One parsed JSON value as a record of either format; throws with the reason it is not one. */
export function recordFromJson(value: unknown): ParsedRecord {
  if (!isObject(value)) throw new Error(`expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  if ('input_ids' in value) return { format: 'pretokenized', record: tokenizedRecord(value) };
  if ('instruction' in value || 'output' in value) return { format: 'llm-adapters', record: textRecord(value) };
  const keys = Object.keys(value).slice(0, 5).join(', ');
  throw new Error(`neither an LLM-Adapters record ("instruction", "output") nor a pre-tokenized one ("input_ids"); keys: ${keys || 'none'}`);
}
