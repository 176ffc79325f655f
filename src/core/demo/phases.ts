import * as path from 'node:path';
import { throwIfCancelled, type JobContext } from '../runFolder/context';
import { phaseComplete, writeState, type DemoState, type PhaseRecord } from './state';

/** What a phase reports when it finishes: its outputs (absolute or workspace-relative) and any data. */
export interface PhaseOutput {
  files: string[];
  runDir?: string;
  data?: Record<string, unknown>;
}

export interface DemoPhase {
  id: string;
  /** Shown in progress bars and logs. */
  label: string;
  run(ctx: JobContext, previous: { startedRunDir?: string }): Promise<PhaseOutput>;
}

export interface PhaseRunnerOptions {
  workspace: string;
  state: DemoState;
  ctx: JobContext;
}

function relative(workspace: string, file: string): string {
  return path.isAbsolute(file) ? path.relative(workspace, file) : file;
}

/**
 * Runs the phases in order, skipping those whose outputs are already complete. The state file is
 * written after every phase, so Ctrl-C (or a crash) loses at most the phase that was running.
 */
export async function runPhases(phases: readonly DemoPhase[], options: PhaseRunnerOptions): Promise<void> {
  const { workspace, state, ctx } = options;
  for (const [index, phase] of phases.entries()) {
    throwIfCancelled(ctx.signal);
    const tag = `[${index + 1}/${phases.length}] ${phase.label}`;
    if (phaseComplete(workspace, state.phases[phase.id])) {
      ctx.log('info', `${tag}: already done, skipped`);
      continue;
    }
    ctx.log('info', `${tag}…`);
    const started = Date.now();
    const output = await phase.run(ctx, { startedRunDir: state.started[phase.id] });
    const record: PhaseRecord = {
      finishedAt: new Date().toISOString(),
      seconds: (Date.now() - started) / 1000,
      files: output.files.map((f) => relative(workspace, f)),
      ...(output.runDir ? { runDir: relative(workspace, output.runDir) } : {}),
      ...(output.data ? { data: output.data } : {}),
    };
    state.phases[phase.id] = record;
    delete state.started[phase.id];
    writeState(workspace, state);
  }
}

/** Remembers the run folder of a phase as soon as its job claims it (for resuming a cancelled training). */
export function noteStartedRun(workspace: string, state: DemoState, phaseId: string, runDir: string): void {
  state.started[phaseId] = relative(workspace, runDir);
  writeState(workspace, state);
}
