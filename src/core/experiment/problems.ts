import type { SpanTarget } from './positions';
import type { JsonPath } from './validate';

export type ProblemSeverity = 'error' | 'warning' | 'info' | 'hint';

/** Stable codes: the editor's quick fixes and the tests key on them, never on message text. */
export type ProblemCode =
  | 'model-missing'
  | 'model-unreadable'
  | 'model-format'
  | 'task-file-missing'
  | 'duplicate-task'
  | 'no-test-data'
  | 'unknown-module'
  | 'module-not-targeted'
  | 'experts-below-min'
  | 'experts-above-max'
  | 'over-budget'
  | 'budget-incomplete'
  | 'invalid-rank'
  | 'invalid-alpha'
  | 'invalid-top-k'
  | 'experts-file'
  | 'missing-section';

/** One semantic problem of an experiment file, located by JSON path (the editor maps it to a range). */
export interface ExperimentProblem {
  path: JsonPath;
  /** Which part of the property at `path` to underline. */
  target: SpanTarget;
  message: string;
  severity: ProblemSeverity;
  code: ProblemCode;
}

export function problem(code: ProblemCode, severity: ProblemSeverity, path: JsonPath, message: string, target: SpanTarget = 'value'): ExperimentProblem {
  return { path, target, message, severity, code };
}
