// What a file event in the workspace means for the workspace model. No `vscode`: unit-tested.
import * as path from 'node:path';

/** What one change event of the workspace model says changed; views refresh what depends on it. */
export interface WorkspaceChange {
  /** Experiment files may have appeared or gone away (the list of experiments is re-read). */
  readonly experiments: boolean;
  /** A run may have appeared, progressed, finished or gone away (run folders, run files, job events). */
  readonly runs: boolean;
  /** The experiments' analyses were dropped (an input they read changed): diagnostics and CodeLens recompute. */
  readonly analyses: boolean;
}

/** Changes noted before the model settles them into one event: `inputs` drops every analysis. */
export interface PendingChange {
  experiments: boolean;
  runs: boolean;
  inputs: boolean;
}

export type FileEventKind = 'created' | 'changed' | 'deleted';

export const EXPERIMENT_SUFFIX = '.smoe.json';

/** Files the jobs write into a run folder; only sensitivity.json is also read by the analyses (a flat map's sibling). */
const RUN_FILES = new Set(['run.json', 'events.jsonl', 'experts.json', 'eval.json', 'adapter_config.json']);
/** Model and map inputs the analyses read from disk: model headers, configs, flat expert maps, tokenizers. */
const INPUT_EXTENSIONS = new Set(['.json', '.safetensors', '.bin']);

export function noChange(): PendingChange {
  return { experiments: false, runs: false, inputs: false };
}

export function everything(): PendingChange {
  return { experiments: true, runs: true, inputs: true };
}

export function merge(into: PendingChange, change: Partial<PendingChange>): void {
  into.experiments ||= change.experiments ?? false;
  into.runs ||= change.runs ?? false;
  into.inputs ||= change.inputs ?? false;
}

/**
 * One file event as the model sees it. Run files only touch runs (whether an analysis picked its sensitivity from
 * a probe run is then checked precisely); a path without an extension may be a run folder created or removed in one
 * go, whose files a recursive watcher does not always report one by one.
 */
export function classifyFileEvent(file: string, kind: FileEventKind): Partial<PendingChange> {
  const base = path.basename(file);
  if (base.endsWith(EXPERIMENT_SUFFIX)) return { experiments: kind !== 'changed', runs: true, inputs: true };
  if (base === 'sensitivity.json') return { runs: true, inputs: true };
  if (RUN_FILES.has(base) || file.split(path.sep).includes('checkpoints')) return { runs: true };
  const extension = path.extname(base);
  if (extension === '') return { experiments: kind !== 'changed', runs: true };
  if (INPUT_EXTENSIONS.has(extension)) return { inputs: true };
  return {};
}
