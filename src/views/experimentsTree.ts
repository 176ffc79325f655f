// The Experiments view: experiment files → runs (status icon, key figure, started time) → artifacts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runsElsewhere } from '../core/runFolder/runFolder';
import type { JobInfo, JobManager } from '../runs/jobManager';
import { progressText } from '../runs/progressState';
import type { RunStore } from '../runs/runStore';
import { runFigures } from '../runs/runFigures';
import { listArtifacts, primaryFileOf, type RunEntry } from '../runs/runListing';
import { memberRuns, sweepEntries } from '../runs/sweepListing';
import type { WorkspaceModel } from '../workspace/workspaceModel';
import type { ArtifactNode, ExperimentNode, ExperimentsNode, JobNode, ProgressNode, RunNode } from './nodes';
import { collectRunItem, runRowExpanded, runRowId, type RunItemView } from './runItem';
import { hasSweep, sweepMemberItem, sweepMembers } from './sweepItems';
import { AnsweredRefresh, RefreshBatch, Throttle } from './throttle';

/** How often the runs are re-read for what changed on disk (a job's events, a CLI run, a new folder). */
const RECONCILE_MS = 700;
/** Above the 200 ms VS Code debounces a tree's change events by: each batch is shown at once. */
const REFRESH_MS = 300;
/** A progress row's refresh that VS Code has not answered in this long is taken as dropped, and the next one is sent. */
const PROGRESS_STALE_MS = 5_000;

export class ExperimentsTreeProvider implements vscode.TreeDataProvider<ExperimentsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExperimentsNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private readonly store: RunStore;
  private readonly progress: { dispose(): void };
  /** The RunNode objects handed to VS Code, by run folder: refreshing one row needs the same object. */
  private readonly runNodes = new Map<string, RunNode>();
  private readonly progressNodes = new Map<RunNode, ProgressNode>();
  /** What VS Code was last given: each experiment's child ids, each run row's look. A re-read refreshes differences. */
  private readonly shownChildren = new Map<string, string>();
  private readonly shownRows = new Map<RunNode, string>();
  /**
   * Every refresh re-creates the rows' inline buttons, and a click whose press and release straddle one is lost
   * (Cancel on a running run took several tries): only rows that look different are refreshed, in spaced batches.
   */
  private readonly reconciler = new Throttle<undefined>(RECONCILE_MS, () => this.reconcile());
  private readonly batch = new RefreshBatch<ExperimentsNode>(REFRESH_MS, (rows) => this.changed.fire(rows));
  /** A progress row changes at every step: one refresh of it waits in VS Code at a time (see AnsweredRefresh). */
  private readonly progressRefresh = new AnsweredRefresh<ProgressNode>(PROGRESS_STALE_MS, (node) => this.batch.request(node));

  constructor(model: WorkspaceModel, private readonly jobs: JobManager) {
    this.store = model.runs;
    this.subscription = model.onDidChange((change) => {
      if (change.experiments) this.refreshAll();
      else if (change.runs) this.reconciler.request(undefined);
    });
    // A job's progress refreshes its progress row, as often as VS Code takes it, without re-reading every run.
    this.progress = jobs.onEvent((e) => {
      if (e.type !== 'progress' && e.type !== 'finished') return;
      const run = e.job.runDir ? this.runNodes.get(path.resolve(e.job.runDir)) : undefined;
      const node = run && this.progressNodes.get(run);
      if (!node) return;
      if (e.type === 'progress') this.progressRefresh.request(node);
      else this.progressRefresh.forget(node);
    });
  }

  async getChildren(node?: ExperimentsNode): Promise<ExperimentsNode[]> {
    if (!node) return (await this.store.experiments()).map((file): ExperimentNode => ({ type: 'experiment', file }));
    switch (node.type) {
      case 'experiment': {
        const children = this.childrenOf(node.file);
        this.shownChildren.set(node.file, this.childKey(children));
        return children;
      }
      case 'run':
        if (node.entry.record.kind === 'sweep') return [...(this.liveJob(node) ? [this.progressNode(node)] : []), ...sweepMembers(node), ...artifactNodes(node.entry.dir)];
        return this.liveJob(node) ? [this.progressNode(node), ...artifactNodes(node.entry.dir)] : artifactNodes(node.entry.dir);
      case 'progress':
        return [];
      case 'sweepMember':
        return memberRuns(node.entry).map((entry) => this.runNode(node.entry.experimentFile ?? node.experimentFile, entry));
      case 'artifact':
        return node.directory ? artifactNodes(node.path) : [];
      case 'job':
        return [];
      default: {
        const never: never = node;
        return never;
      }
    }
  }

  getTreeItem(node: ExperimentsNode): vscode.TreeItem {
    switch (node.type) {
      case 'experiment':
        return experimentItem(node, hasSweep(this.store.experimentValue(node.file)));
      case 'run':
        return this.runItem(node);
      case 'job':
        return runTreeItem(this.jobView(node), vscode.TreeItemCollapsibleState.None, node.job.id);
      case 'progress':
        this.progressRefresh.answered(node);
        return progressItem(node, this.liveJob(node.run));
      case 'artifact':
        return artifactItem(node);
      case 'sweepMember':
        return sweepMemberItem(node);
      default: {
        const never: never = node;
        return never;
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.progress.dispose();
    this.reconciler.dispose();
    this.progressRefresh.dispose();
    this.batch.dispose();
    this.changed.dispose();
  }

  private childrenOf(file: string): (JobNode | RunNode)[] {
    return [...this.pendingJobs(file), ...this.store.runsOf(file).map((entry) => this.runNode(file, entry))];
  }

  /** Re-reads the shown experiments' runs: a new or gone child refreshes everything, a changed look its row. */
  private reconcile(): void {
    const rows: RunNode[] = [];
    for (const [file, shown] of this.shownChildren) {
      const children = this.childrenOf(file);
      if (this.childKey(children) !== shown) return this.refreshAll();
      for (const child of children) {
        if (child.type === 'run' && this.shownRows.get(child) !== this.rowLook(child)) rows.push(child);
      }
    }
    for (const row of rows) this.batch.request(row);
  }

  /** VS Code asks again for everything it shows, which records it anew (an experiment gone is no longer compared). */
  private refreshAll(): void {
    this.shownChildren.clear();
    this.shownRows.clear();
    this.batch.request(undefined);
  }

  private runNode(experimentFile: string, entry: RunEntry): RunNode {
    const key = path.resolve(entry.dir);
    const known = this.runNodes.get(key);
    if (known && known.experimentFile === experimentFile) {
      known.entry = entry;
      return known;
    }
    const node: RunNode = { type: 'run', experimentFile, entry };
    this.runNodes.set(key, node);
    return node;
  }

  private pendingJobs(file: string): JobNode[] {
    return this.jobs.jobs()
      .filter((job) => job.request.kind !== 'demo' && path.resolve(job.request.experimentFile) === path.resolve(file) && !job.runDir)
      .map((job) => ({ type: 'job', experimentFile: file, job }));
  }

  private jobView(node: JobNode): RunItemView {
    const { job } = node;
    const view = collectRunItem({ id: job.id, kind: job.request.kind, status: job.state === 'queued' ? 'queued' : 'running', figures: {} });
    return job.state === 'queued' ? view : { ...view, description: 'starting…', contextValue: 'smoe.job.running' };
  }

  private liveJob(node: RunNode): JobInfo | undefined {
    return this.jobs.jobs().find((job) => job.runDir && path.resolve(job.runDir) === path.resolve(node.entry.dir));
  }

  private progressNode(run: RunNode): ProgressNode {
    const known = this.progressNodes.get(run);
    if (known) return known;
    const node: ProgressNode = { type: 'progress', run };
    this.progressNodes.set(run, node);
    return node;
  }

  /**
   * The ids VS Code knows an experiment's children by, in order. A run row has its own id while a job runs it (open,
   * with the progress row under it) and another once it ended (closed), so both changes refresh the experiment; a
   * sweep's row keeps its id (runRowId), and the end of its job refreshes the row alone (rowLook).
   */
  private childKey(children: readonly (JobNode | RunNode)[]): string {
    return children.map((c) => (c.type === 'job' ? c.job.id : this.runId(c))).join('\n');
  }

  private runId(node: RunNode): string {
    return runRowId(node.entry.dir, node.entry.record.kind, this.liveJob(node) !== undefined);
  }

  /**
   * What a re-read compares: the row's look, whether a job is on it (its end takes the progress row away) and, for a
   * sweep, its members' statuses (the rows under it).
   */
  private rowLook(node: RunNode): string {
    const members = node.entry.record.kind === 'sweep' ? sweepEntries(node.entry.dir).map((e) => e.status) : [];
    return JSON.stringify([this.runView(node), this.liveJob(node) !== undefined, members]);
  }

  private runItem(node: RunNode): vscode.TreeItem {
    const view = this.runView(node);
    this.shownRows.set(node, this.rowLook(node));
    const expanded = runRowExpanded(node.entry.record.kind, node.entry.record.status, this.liveJob(node) !== undefined);
    const item = runTreeItem(view, expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed, this.runId(node));
    item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(primaryFileOf(node.entry.dir, node.entry.record.kind))] };
    return item;
  }

  private runView(node: RunNode): RunItemView {
    const { entry } = node;
    // A live run's figures change at every step: its progress row shows them, and the run row stays as it is.
    // A sweep's "k of n runs" changes once per member run, so its row keeps it.
    const live = this.liveJob(node) !== undefined && entry.record.kind !== 'sweep';
    return collectRunItem({
      id: entry.id, kind: entry.record.kind, status: entry.record.status, startedAt: entry.record.startedAt, error: entry.record.error,
      figures: live ? {} : runFigures(entry, this.store.events.read(entry.dir), this.store.experimentValue(node.experimentFile)),
      label: entry.record.label, note: entry.record.note, overrides: entry.record.overrides,
      incomplete: entry.incomplete, elsewhere: runsElsewhere(entry.record) ? entry.record.host : undefined,
    });
  }
}

function progressItem(node: ProgressNode, job: JobInfo | undefined): vscode.TreeItem {
  const text = job?.progress ? progressText(job.progress) : 'starting…';
  const item = new vscode.TreeItem(text, vscode.TreeItemCollapsibleState.None);
  item.id = `${node.run.entry.dir}#progress`;
  item.tooltip = `${job?.label ?? node.run.entry.id}: ${text}`;
  item.iconPath = new vscode.ThemeIcon('pulse');
  item.contextValue = 'smoe.progress';
  return item;
}

function runTreeItem(view: RunItemView, collapsible: vscode.TreeItemCollapsibleState, id: string): vscode.TreeItem {
  const item = new vscode.TreeItem(view.label, collapsible);
  item.id = id;
  item.description = view.description;
  item.tooltip = view.tooltip;
  item.iconPath = new vscode.ThemeIcon(view.icon, view.color ? new vscode.ThemeColor(view.color) : undefined);
  item.contextValue = view.contextValue;
  return item;
}

function experimentItem(node: ExperimentNode, sweep: boolean): vscode.TreeItem {
  const uri = vscode.Uri.file(node.file);
  const item = new vscode.TreeItem(path.basename(node.file), vscode.TreeItemCollapsibleState.Expanded);
  item.id = node.file;
  item.resourceUri = uri;
  const relative = path.dirname(vscode.workspace.asRelativePath(uri, false));
  item.description = relative === '.' ? undefined : relative;
  item.tooltip = node.file;
  item.iconPath = new vscode.ThemeIcon('beaker');
  // Run Sweep is offered on experiments with a sweep section only.
  item.contextValue = sweep ? 'smoe.experiment.sweep' : 'smoe.experiment';
  item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
  return item;
}

function artifactNodes(dir: string): ArtifactNode[] {
  return listArtifacts(dir).map((a) => ({ type: 'artifact', path: a.path, directory: a.directory }));
}

function artifactItem(node: ArtifactNode): vscode.TreeItem {
  const uri = vscode.Uri.file(node.path);
  const item = new vscode.TreeItem(uri, node.directory ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = node.path;
  item.contextValue = node.directory ? 'smoe.artifact.folder' : 'smoe.artifact';
  if (!node.directory) item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
  return item;
}
