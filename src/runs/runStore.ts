// The runs of every experiment in the workspace, read from disk (extension and CLI runs alike) and watched.
import * as fs from 'node:fs';
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
import { runsRootFor } from '../config';
import { EventsCache } from './eventsCache';
import type { JobManager } from './jobManager';
import { listRuns, runsOfExperiment, type RunEntry } from './runListing';

export const EXPERIMENT_GLOB = '**/*.smoe.json';
const EXCLUDE_GLOB = '{**/node_modules/**,**/.git/**}';
/** Files whose change means a run appeared, progressed or finished, wherever runs are written in the workspace. */
const RUN_FILES_GLOB = '**/{run.json,events.jsonl,sensitivity.json,experts.json,eval.json,adapter_config.json}';
const DEBOUNCE_MS = 250;

/**
 * One model for the tree and the dashboards (they subscribe to `onDidChange`): experiment files, their runs and
 * the runs' events. Changes on disk and job events are folded into one debounced change event.
 */
export class RunStore implements vscode.Disposable {
  readonly events = new EventsCache();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private experimentList?: Promise<string[]>;
  private timer?: NodeJS.Timeout;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(jobs: JobManager) {
    const experiments = vscode.workspace.createFileSystemWatcher(EXPERIMENT_GLOB);
    const runFiles = vscode.workspace.createFileSystemWatcher(RUN_FILES_GLOB);
    const listChanged = () => this.refresh(false);
    const contentChanged = () => this.scheduleChange();
    const jobChanged = jobs.onEvent((e) => {
      if (e.type !== 'output' && e.type !== 'log') this.scheduleChange();
    });
    this.disposables.push(
      experiments, runFiles, this.changed,
      experiments.onDidCreate(listChanged), experiments.onDidDelete(listChanged), experiments.onDidChange(contentChanged),
      runFiles.onDidCreate(contentChanged), runFiles.onDidChange(contentChanged), runFiles.onDidDelete(contentChanged),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('smoe.runsDirectory')) this.refresh(false); }),
      vscode.workspace.onDidChangeWorkspaceFolders(listChanged),
      { dispose: () => jobChanged.dispose() },
    );
  }

  /** Experiment files in the workspace, sorted by path. */
  experiments(): Promise<string[]> {
    this.experimentList ??= Promise.resolve(vscode.workspace.findFiles(EXPERIMENT_GLOB, EXCLUDE_GLOB)).then((uris) =>
      uris.filter((u) => u.scheme === 'file').map((u) => u.fsPath).sort((a, b) => a.localeCompare(b)),
    );
    return this.experimentList;
  }

  runsRoot(experimentFile: string): string {
    return runsRootFor(experimentFile);
  }

  /** Runs of one experiment, newest first. */
  runsOf(experimentFile: string): RunEntry[] {
    return runsOfExperiment(listRuns(runsRootFor(experimentFile)), experimentFile);
  }

  /** The experiment file's value (JSONC, lenient); undefined when unreadable. */
  experimentValue(experimentFile: string): unknown {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === experimentFile);
    try {
      return parse(open ? open.getText() : fs.readFileSync(experimentFile, 'utf8'), [], { allowTrailingComma: true });
    } catch {
      return undefined;
    }
  }

  /** Re-reads everything; `now` skips the debounce (the Refresh command). */
  refresh(now = true): void {
    this.experimentList = undefined;
    if (now) this.fire();
    else this.scheduleChange();
  }

  scheduleChange(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.fire(), DEBOUNCE_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }

  private fire(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.changed.fire();
  }
}
