// The Experiments view: experiment files → runs (status icon, key figure, started time) → artifacts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runsElsewhere } from '../core/runFolder/runFolder';
import type { JobManager } from '../runs/jobManager';
import type { RunStore } from '../runs/runStore';
import { runFigures } from '../runs/runFigures';
import { listArtifacts, primaryFileOf, type RunEntry } from '../runs/runListing';
import type { WorkspaceModel } from '../workspace/workspaceModel';
import type { ArtifactNode, ExperimentNode, ExperimentsNode, JobNode, RunNode } from './nodes';
import { collectRunItem, type RunItemView } from './runItem';
import { Throttle } from './throttle';

const WHOLE_TREE_MS = 700;
const PROGRESS_ROW_MS = 300;

export class ExperimentsTreeProvider implements vscode.TreeDataProvider<ExperimentsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExperimentsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private readonly store: RunStore;
  private readonly progress: { dispose(): void };
  /** The RunNode objects handed to VS Code, by run folder: refreshing one row needs the same object. */
  private readonly runNodes = new Map<string, RunNode>();
  /**
   * Every refresh re-creates the rows' inline buttons, and a click whose press and release straddle one is lost
   * (Cancel on a running run took several tries): whole-tree refreshes and progress rows are spaced out.
   */
  private readonly whole = new Throttle<undefined>(WHOLE_TREE_MS, () => this.changed.fire(undefined));
  private readonly rows = new Throttle<RunNode>(PROGRESS_ROW_MS, (node) => this.changed.fire(node));

  constructor(model: WorkspaceModel, private readonly jobs: JobManager) {
    this.store = model.runs;
    this.subscription = model.onDidChange((change) => {
      if (change.experiments || change.runs) this.whole.request(undefined);
    });
    // A job's progress refreshes its own row, as often as the notification shows it, without re-reading every run.
    this.progress = jobs.onEvent((e) => {
      const node = e.type === 'progress' && e.job.runDir ? this.runNodes.get(path.resolve(e.job.runDir)) : undefined;
      if (node) this.rows.request(node);
    });
  }

  async getChildren(node?: ExperimentsNode): Promise<ExperimentsNode[]> {
    if (!node) return (await this.store.experiments()).map((file): ExperimentNode => ({ type: 'experiment', file }));
    switch (node.type) {
      case 'experiment':
        return [...this.pendingJobs(node.file), ...this.store.runsOf(node.file).map((entry) => this.runNode(node.file, entry))];
      case 'run':
        return artifactNodes(node.entry.dir);
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
        return experimentItem(node);
      case 'run':
        return this.runItem(node);
      case 'job':
        return runTreeItem(this.jobView(node), vscode.TreeItemCollapsibleState.None, node.job.id);
      case 'artifact':
        return artifactItem(node);
      default: {
        const never: never = node;
        return never;
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.progress.dispose();
    this.whole.dispose();
    this.rows.dispose();
    this.changed.dispose();
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

  private runItem(node: RunNode): vscode.TreeItem {
    const { entry } = node;
    const events = this.store.events.read(entry.dir);
    const live = this.jobs.jobs().find((job) => job.runDir && path.resolve(job.runDir) === path.resolve(entry.dir));
    const view = collectRunItem({
      id: entry.id, kind: entry.record.kind, status: entry.record.status, startedAt: entry.record.startedAt, error: entry.record.error,
      figures: runFigures(entry, events, this.store.experimentValue(node.experimentFile)), progress: live?.progress,
      label: entry.record.label, note: entry.record.note, overrides: entry.record.overrides,
      incomplete: entry.incomplete, elsewhere: runsElsewhere(entry.record) ? entry.record.host : undefined,
    });
    const item = runTreeItem(view, vscode.TreeItemCollapsibleState.Collapsed, entry.dir);
    item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(primaryFileOf(entry.dir, entry.record.kind))] };
    return item;
  }
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

function experimentItem(node: ExperimentNode): vscode.TreeItem {
  const uri = vscode.Uri.file(node.file);
  const item = new vscode.TreeItem(path.basename(node.file), vscode.TreeItemCollapsibleState.Expanded);
  item.id = node.file;
  item.resourceUri = uri;
  const relative = path.dirname(vscode.workspace.asRelativePath(uri, false));
  item.description = relative === '.' ? undefined : relative;
  item.tooltip = node.file;
  item.iconPath = new vscode.ThemeIcon('beaker');
  item.contextValue = 'smoe.experiment';
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
