import * as path from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { experimentSchema, type SchemaNode } from './schema';
import type { Experiment } from './types';
import { formatPath, validateAgainst, type SchemaProblem } from './validate';
import { FileAccessError, readRegularText } from '../data/regularFile';

/** A user-facing error about an experiment file: names the file and the field. */
export class ExperimentError extends Error {
  constructor(readonly file: string, readonly problems: SchemaProblem[]) {
    super(`${file}: ${problems.map((p) => `${formatPath(p.path) || '(file)'} ${p.message}`).join('; ')}`);
    this.name = 'ExperimentError';
  }
}

/** Fills schema defaults into a parsed object, recursively, without overwriting what the user wrote. */
export function applyDefaults(node: SchemaNode, value: unknown): unknown {
  if (value === undefined && node.default !== undefined) value = structuredClone(node.default);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return node.items ? value.map((item) => applyDefaults(node.items as SchemaNode, item)) : value;
  const result: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const filled = applyDefaults(child, result[key]);
    if (filled !== undefined) result[key] = filled;
  }
  return result;
}

/** `line 12, column 5` (1-based) for a character offset, as editors show positions. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** Parses JSONC text into a raw value, or reports syntax problems (with offsets in the message). */
export function parseExperimentText(text: string, file: string): unknown {
  const errors: ParseError[] = [];
  const raw: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    throw new ExperimentError(file, errors.map((e) => ({ path: [], message: `JSON syntax: ${printParseErrorCode(e.error)} at ${lineAndColumn(text, e.offset)}` })));
  }
  return raw;
}

/** Validates and fills defaults; throws ExperimentError naming every bad field. */
export function experimentFromValue(raw: unknown, file: string): Experiment {
  const problems: SchemaProblem[] = [];
  validateAgainst(experimentSchema, raw, [], problems);
  const names = new Set<string>();
  const tasks = (raw as { tasks?: { name?: unknown }[] })?.tasks;
  if (Array.isArray(tasks)) {
    tasks.forEach((task, i) => {
      if (typeof task?.name !== 'string') return;
      if (names.has(task.name)) problems.push({ path: ['tasks', i, 'name'], message: `repeats the task name "${task.name}"` });
      names.add(task.name);
    });
  }
  if (problems.length > 0) throw new ExperimentError(file, problems);
  return applyDefaults(experimentSchema, raw) as Experiment;
}

/** An experiment whose relative paths are resolved against the file's folder. */
export interface LoadedExperiment {
  file: string;
  dir: string;
  name: string;
  experiment: Experiment;
  resolve(relative: string): string;
}

export function loadExperiment(file: string): LoadedExperiment {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readRegularText(absolute);
  } catch (error) {
    throw new ExperimentError(absolute, [{ path: [], message: error instanceof FileAccessError ? error.detail : `cannot be read (${String(error)})` }]);
  }
  const experiment = experimentFromValue(parseExperimentText(text, absolute), absolute);
  const dir = path.dirname(absolute);
  return {
    file: absolute,
    dir,
    name: experiment.name ?? path.basename(absolute).replace(/\.smoe\.json$/, ''),
    experiment,
    resolve: (relative) => path.resolve(dir, relative),
  };
}
