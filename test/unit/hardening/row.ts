// One case of the bad-input suite: how to damage a fresh tiny workspace, which command to run, and what must hold.
import type { TinyWorkspace } from '../train/tinyWorkspace';

export interface BadInputRow {
  /** The class of issue 13 the case belongs to (1 checkpoint headers ... 8 messages). */
  klass: number;
  name: string;
  /** Overrides of the experiment file's top-level sections. */
  experiment?: Record<string, unknown>;
  /** Damages the workspace and returns the `smoe` arguments (relative paths are from the workspace folder). */
  arrange: (ws: TinyWorkspace) => string[];
  exit: number;
  /** The file the message must name (a path, matched by its base name). */
  file: (ws: TinyWorkspace) => string;
  /** The field, line or tensor the message must name. */
  field: RegExp;
  /** Paths that must not exist afterwards (default: the runs folder `.smoe/runs`; none when `verify` is given). */
  unwritten?: (ws: TinyWorkspace) => string[];
  /** Further checks of a command that ran on (e.g. the run folder it left and its events), given its output. */
  verify?: (ws: TinyWorkspace, text: string) => void;
}
