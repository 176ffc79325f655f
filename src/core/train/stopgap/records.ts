// LLM-Adapters records (JSON array or JSONL) -> Alpaca prompt + response, encoded with response-only labels.
import * as fs from 'node:fs';
import type { EncodedExample } from '../batch';

export interface TaskRecord {
  instruction: string;
  input?: string;
  output: string;
  answer?: string;
}

export function readRecords(file: string): TaskRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the task's train/test path`);
  }
  const trimmed = text.trim();
  const rows = trimmed.startsWith('[') ? (JSON.parse(trimmed) as unknown[]) : trimmed.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
  return rows.map((row, i) => {
    const r = row as Partial<TaskRecord>;
    if (typeof r.instruction !== 'string' || typeof r.output !== 'string') throw new Error(`${file}: record ${i} needs string "instruction" and "output" fields`);
    return r as TaskRecord;
  });
}

/** The Alpaca prompt of LLM-Adapters (DESIGN.md §3.4). */
export function alpacaPrompt(r: TaskRecord): string {
  if (r.input) {
    return `Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\n${r.instruction}\n\n### Input:\n${r.input}\n\n### Response:\n`;
  }
  return `Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n${r.instruction}\n\n### Response:\n`;
}

export interface TextEncoder {
  encode(text: string): number[];
  bosId?: number;
  eosId: number;
}

/** BOS + prompt + response + EOS, truncated; prompt tokens get label -100 unless trainOnInputs. */
export function encodeRecord(r: TaskRecord, tok: TextEncoder, options: { maxLength: number; trainOnInputs: boolean }): EncodedExample & { promptIds: number[] } {
  const promptIds = [...(tok.bosId !== undefined ? [tok.bosId] : []), ...tok.encode(alpacaPrompt(r))];
  const full = [...promptIds, ...tok.encode(r.output), tok.eosId].slice(0, options.maxLength);
  const labels = full.map((id, i) => (options.trainOnInputs || i >= promptIds.length ? id : -100));
  return { inputIds: full, labels, promptIds: promptIds.slice(0, Math.max(1, options.maxLength - 1)) };
}

const KNOWN_PATTERNS = [/^(true|false)$/, /^solution[12]$/, /^answer[1-5]$/, /^ending[1-4]$/, /^option[12]$/];

/** The task's answer pattern: the configured one, or the LLM-Adapters pattern its answers follow. */
export function answerPatternFor(configured: string | undefined, records: readonly TaskRecord[]): RegExp {
  if (configured) return new RegExp(configured);
  const answers = records.map((r) => (r.answer ?? '').trim()).filter(Boolean);
  const known = KNOWN_PATTERNS.find((p) => answers.length > 0 && answers.every((a) => p.test(a)));
  return known ? new RegExp(known.source.slice(1, -1)) : /\S+/;
}
