import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../runFolder/runFolder';

export const STATE_FILE = 'demo-state.json';

/** What one finished phase left behind; `files` are checked on resume (a deleted output reruns the phase). */
export interface PhaseRecord {
  finishedAt: string;
  seconds: number;
  /** Paths relative to the workspace. */
  files: string[];
  /** The run folder of the job the phase ran, relative to the workspace. */
  runDir?: string;
  data?: Record<string, unknown>;
}

/** `demo-state.json`: which phases are complete, so a rerun (after Ctrl-C or a crash) resumes. */
export interface DemoState {
  version: 1;
  /** Hash of the settings that produced the workspace; a different one starts over. */
  workspaceKey: string;
  phases: Record<string, PhaseRecord>;
  /** Run folders of phases that started but did not finish (a cancelled training resumes from it). */
  started: Record<string, string>;
}

export function readState(workspace: string, workspaceKey: string): { state: DemoState; reset: boolean } {
  const fresh: DemoState = { version: 1, workspaceKey, phases: {}, started: {} };
  let parsed: DemoState | undefined;
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(workspace, STATE_FILE), 'utf8')) as DemoState;
  } catch {
    return { state: fresh, reset: false };
  }
  if (parsed?.version !== 1 || parsed.workspaceKey !== workspaceKey) return { state: fresh, reset: true };
  return { state: { ...fresh, ...parsed, started: parsed.started ?? {} }, reset: false };
}

export function writeState(workspace: string, state: DemoState): void {
  writeFileAtomic(path.join(workspace, STATE_FILE), JSON.stringify(state, null, 2) + '\n');
}

/** A phase counts as done only when its record exists and every file it listed is still there. */
export function phaseComplete(workspace: string, record: PhaseRecord | undefined): boolean {
  return record !== undefined && record.files.every((f) => fs.existsSync(path.join(workspace, f)));
}
