// Reading a dataset file: JSON array or JSONL, format auto-detected, malformed records skipped and reported.
import { isUtf8 } from 'node:buffer';
import { FileAccessError, readRegularFile, readRegularFileAsync } from './regularFile';
import { recordFromJson, type DatasetFormat, type ParsedRecord, type SkippedRecord, type TextRecord, type TokenizedRecord } from './records';

export type Dataset =
  | { file: string; format: 'llm-adapters'; records: TextRecord[]; lines: number[]; skipped: SkippedRecord[] }
  | { file: string; format: 'pretokenized'; records: TokenizedRecord[]; lines: number[]; skipped: SkippedRecord[] };

/** A dataset that cannot be used at all (missing, not JSON, no valid record); the message names the file. */
export class DatasetError extends Error {
  constructor(readonly file: string, message: string, readonly skipped: SkippedRecord[] = []) {
    super(`${file}: ${message}`);
    this.name = 'DatasetError';
  }
}

interface RawItem {
  line: number;
  /** Last line the item spans (JSON array elements can span several). */
  lastLine?: number;
  value?: unknown;
  error?: string;
}

interface ScanState {
  line: number;
  depth: number;
  inString: boolean;
  escaped: boolean;
  expecting: boolean;
}

/** Advances the scanner over one character outside strings; records the line where a top-level element starts. */
function scanStructure(state: ScanState, c: string, lines: number[]): void {
  if (state.depth === 1 && state.expecting && !/[\s,\]]/.test(c)) {
    lines.push(state.line);
    state.expecting = false;
  }
  if (c === '"') state.inString = true;
  else if (c === '[' || c === '{') state.depth++;
  else if (c === ']' || c === '}') state.depth--;
  if (state.depth === 1 && (c === '[' || c === ',')) state.expecting = true;
}

/** 1-based line of each top-level element of a JSON array text (a small scanner: strings and nesting only). */
function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  const state: ScanState = { line: 1, depth: 0, inString: false, escaped: false, expecting: false };
  for (const c of text) {
    if (c === '\n') state.line++;
    if (!state.inString) scanStructure(state, c, lines);
    else if (state.escaped) state.escaped = false;
    else if (c === '\\') state.escaped = true;
    else if (c === '"') state.inString = false;
  }
  return lines;
}

function arrayItems(text: string, file: string): RawItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DatasetError(file, `is not valid JSON (${(error as Error).message}); expected a JSON array of records or JSON Lines`);
  }
  if (!Array.isArray(parsed)) throw new DatasetError(file, 'is a JSON value but not an array of records');
  const lines = arrayElementLines(text);
  const end = text.split('\n').length;
  return parsed.map((value, i) => ({ line: lines[i] ?? 1, lastLine: (lines[i + 1] ?? end + 1) - 1, value }));
}

function jsonlItems(text: string): RawItem[] {
  const items: RawItem[] = [];
  text.split('\n').forEach((raw, i) => {
    const lineText = raw.trim();
    if (lineText === '') return;
    try {
      items.push({ line: i + 1, value: JSON.parse(lineText) });
    } catch (error) {
      items.push({ line: i + 1, error: `not JSON (${(error as Error).message})` });
    }
  });
  return items;
}

const NOT_UTF8 = 'holds bytes that are not valid UTF-8 (the text would be read with replacement characters); re-save the file as UTF-8';

/** Why an item is left out before it is parsed as a record (not JSON, or a line of it is not UTF-8), if it is. */
function itemProblem(item: RawItem, badLines: ReadonlySet<number>): SkippedRecord | undefined {
  for (let line = item.line; badLines.size > 0 && line <= (item.lastLine ?? item.line); line++) {
    if (badLines.has(line)) return { line, reason: NOT_UTF8 };
  }
  return item.error ? { line: item.line, reason: item.error } : undefined;
}

function collect(file: string, items: RawItem[], jsonl: boolean, badLines: ReadonlySet<number>): Dataset {
  const skipped: SkippedRecord[] = [];
  const kept: ParsedRecord[] = [];
  const lines: number[] = [];
  let format: DatasetFormat | undefined;
  for (const item of items) {
    const problem = itemProblem(item, badLines);
    if (problem) {
      skipped.push(problem);
      continue;
    }
    try {
      const parsed = recordFromJson(item.value);
      format ??= parsed.format;
      if (parsed.format !== format) throw new Error(`a ${parsed.format} record in a ${format} file`);
      kept.push(parsed);
      lines.push(item.line);
    } catch (error) {
      skipped.push({ line: item.line, reason: (error as Error).message });
    }
  }
  if (kept.length === 0) {
    const first = skipped[0] ? `; line ${skipped[0].line}: ${skipped[0].reason}` : '';
    if (!jsonl && items.length === 0) throw new DatasetError(file, 'is an empty JSON array: no records');
    throw new DatasetError(file, `has no valid records (${skipped.length} skipped${first})`, skipped);
  }
  const records = kept.map((k) => k.record);
  return format === 'pretokenized'
    ? { file, format, records: records as TokenizedRecord[], lines, skipped }
    : { file, format: 'llm-adapters', records: records as TextRecord[], lines, skipped };
}

/**
 * Parses a dataset's text: a JSON array when it starts with `[`, else JSON Lines. Pure; `file` is for messages.
 * Records touching one of `badLines` (1-based lines that held invalid UTF-8) are skipped.
 */
export function parseDataset(text: string, file: string, badLines: ReadonlySet<number> = new Set()): Dataset {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new DatasetError(file, 'is empty: no records');
  const isArray = body.trimStart().startsWith('[');
  return collect(file, isArray ? arrayItems(body, file) : jsonlItems(body), !isArray, badLines);
}

/** 1-based lines of `bytes` that are not valid UTF-8 (none in the common case, checked in one pass). */
export function invalidUtf8Lines(bytes: Buffer): Set<number> {
  const bad = new Set<number>();
  if (isUtf8(bytes)) return bad;
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline < 0 ? bytes.length : newline;
    if (!isUtf8(bytes.subarray(start, end))) bad.add(line);
    start = end + 1;
  }
  return bad;
}

function parseBytes(bytes: Buffer, file: string): Dataset {
  return parseDataset(bytes.toString('utf8'), file, invalidUtf8Lines(bytes));
}

function unreadable(file: string, error: unknown): DatasetError {
  if (error instanceof FileAccessError) return new DatasetError(file, `${error.detail}; check the task's data path`);
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a dataset file' : `cannot be read (${code ?? String(error)})`;
  return new DatasetError(file, `${why}; check the task's data path`);
}

export function readDatasetSync(file: string): Dataset {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file);
  } catch (error) {
    throw unreadable(file, error);
  }
  return parseBytes(bytes, file);
}

export async function readDataset(file: string): Promise<Dataset> {
  const bytes = await readRegularFileAsync(file).catch((error: unknown) => {
    throw unreadable(file, error);
  });
  return parseBytes(bytes, file);
}

/** `file:line: reason` per skipped record, for logs and warnings. */
export function skippedMessages(dataset: Pick<Dataset, 'file' | 'skipped'>): string[] {
  return dataset.skipped.map((s) => `${dataset.file}:${s.line}: ${s.reason}`);
}
