// The one model of the workspace the extension's views read (the vscode-dvc pattern): experiments, their analyses
// and their runs, kept current by one file watcher and the job manager, announced by one change event.
import * as vscode from 'vscode';
import { ExperimentAnalyzer } from '../editor/analysis';
import type { JobManager } from '../runs/jobManager';
import { RunStore } from '../runs/runStore';
import { classifyFileEvent, everything, merge, noChange, type FileEventKind, type PendingChange, type WorkspaceChange } from './changes';

/** Changes closer together than this (a job writing events, a folder copied in) become one event. */
const SETTLE_MS = 250;
/** How often the probe runs the cached analyses picked from are re-checked, for what the watcher cannot see. */
const PROBE_RECHECK_MS = 3000;

/** Where failures inside the extension are written: the "LoRA-SMoE" output channel, not the developer console. */
export interface InternalLog {
  error(message: string): void;
}

export function describeFailure(what: string, error: unknown): string {
  return `${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}

/**
 * Owns the experiment analyzer (diagnostics, CodeLens, quick fixes, dashboards) and the run store (the tree, the
 * dashboards). Everything that can make them stale (files on disk, jobs, settings) goes through `note`; listeners
 * of `onDidChange` get one event per burst, after the analyses it makes stale were dropped.
 */
export class WorkspaceModel implements vscode.Disposable {
  readonly analyzer = new ExperimentAnalyzer();
  readonly runs = new RunStore();
  private readonly changed = new vscode.EventEmitter<WorkspaceChange>();
  readonly onDidChange = this.changed.event;
  private pending = noChange();
  private timer?: NodeJS.Timeout;
  private disposed = false;
  private rechecking = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(jobs: JobManager, private readonly log: InternalLog) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const onFile = (kind: FileEventKind) => (uri: vscode.Uri) => {
      if (uri.scheme === 'file') this.note(classifyFileEvent(uri.fsPath, kind));
    };
    // Jobs may write outside the workspace, where the watcher sees nothing; their events still arrive.
    const jobEvents = jobs.onEvent((e) => {
      if (e.type !== 'output' && e.type !== 'log') this.note({ runs: true });
    });
    this.disposables.push(
      watcher, this.changed, { dispose: () => jobEvents.dispose() },
      watcher.onDidCreate(onFile('created')), watcher.onDidChange(onFile('changed')), watcher.onDidDelete(onFile('deleted')),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('smoe.runsDirectory') || e.affectsConfiguration('smoe.extraRunRoots')) this.note(everything());
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.note({ experiments: true, runs: true })),
      this.recheckProbeRuns(),
    );
  }

  /** Records a change; the event follows once changes settle. */
  note(change: Partial<PendingChange>): void {
    if (this.disposed) return;
    merge(this.pending, change);
    this.timer ??= setTimeout(() => void this.settle(), SETTLE_MS);
  }

  /** Re-reads everything now (the Refresh command). */
  refresh(): Promise<void> {
    merge(this.pending, everything());
    return this.settle();
  }

  /** Writes an internal failure to the output channel (with its stack), where a bug report can quote it. */
  reportFailure(what: string, error: unknown): void {
    this.log.error(describeFailure(what, error));
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /**
   * Where no event exists: the recursive watcher does not report files in a folder created mid-session (code-server
   * here), such as a probe run that `smoe probe` in a terminal writes beside a new experiment. Only the runs folders of
   * cached analyses are re-read (a readdir and two stats per probe run), and the event fires only on a difference.
   */
  private recheckProbeRuns(): vscode.Disposable {
    const timer = setInterval(() => {
      if (this.rechecking || this.timer) return;
      this.rechecking = true;
      this.analyzer.invalidateIfProbeRunsChanged()
        .then((changed) => { if (changed && !this.disposed) this.changed.fire({ experiments: false, runs: true, analyses: true }); })
        .catch((error: unknown) => this.reportFailure('LoRA-SMoE: checking runs folders failed', error))
        .finally(() => { this.rechecking = false; });
    }, PROBE_RECHECK_MS);
    return new vscode.Disposable(() => clearInterval(timer));
  }

  private async settle(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const change = this.pending;
    this.pending = noChange();
    if (change.experiments) this.runs.forgetExperiments();
    let analyses = false;
    try {
      if (change.inputs) {
        this.analyzer.invalidate();
        analyses = true;
      } else if (change.runs) {
        analyses = await this.analyzer.invalidateIfProbeRunsChanged();
      }
    } catch (error) {
      this.reportFailure('LoRA-SMoE: checking runs folders failed', error);
    }
    if (this.disposed || (!change.experiments && !change.runs && !analyses)) return;
    this.changed.fire({ experiments: change.experiments, runs: change.runs, analyses });
  }
}
