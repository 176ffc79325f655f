// A command that only exists when VS Code runs the extension's tests (ExtensionMode.Test): it swaps the worker for a
// test script and reports what the tests cannot see from outside (jobs, the rendered tree, dashboard messages).
import * as vscode from 'vscode';
import type { DashboardManager } from '../panel/dashboardManager';
import type { ExperimentsTreeProvider } from '../views/experimentsTree';
import type { ExperimentsNode } from '../views/nodes';
import type { WorkspaceModel } from '../workspace/workspaceModel';
import type { JobInfo, JobManager } from './jobManager';

export const TEST_HOOK_COMMAND = 'smoe.test.hook';

export interface WorkerOverride {
  script?: string;
  cancelGraceMs?: number;
}

export interface RenderedItem {
  label: string;
  description?: string;
  contextValue?: string;
  icon?: string;
  children: RenderedItem[];
}

interface HookDeps {
  model: WorkspaceModel;
  jobs: JobManager;
  tree: ExperimentsTreeProvider;
  dashboards: DashboardManager;
  override: WorkerOverride;
}

const jobView = (job: JobInfo) => ({ id: job.id, kind: job.request.kind, state: job.state, pid: job.pid, runDir: job.runDir, outcome: job.outcome, progress: job.progress });

async function render(tree: ExperimentsTreeProvider, node: ExperimentsNode | undefined, depth: number): Promise<RenderedItem[]> {
  const children = await tree.getChildren(node);
  return Promise.all(children.map(async (child) => {
    const item = tree.getTreeItem(child);
    const label = typeof item.label === 'string' ? item.label : item.label?.label ?? item.resourceUri?.path.split('/').pop() ?? '';
    const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
    const expandable = item.collapsibleState !== vscode.TreeItemCollapsibleState.None;
    return {
      label, description: typeof item.description === 'string' ? item.description : undefined, contextValue: item.contextValue, icon,
      children: expandable && depth < 2 ? await render(tree, child, depth + 1) : [],
    };
  }));
}

export function registerTestHook(deps: HookDeps): vscode.Disposable {
  return vscode.commands.registerCommand(TEST_HOOK_COMMAND, async (op: string, args: Record<string, unknown> = {}) => {
    switch (op) {
      case 'setWorker':
        deps.override.script = typeof args.script === 'string' ? args.script : undefined;
        deps.override.cancelGraceMs = typeof args.cancelGraceMs === 'number' ? args.cancelGraceMs : undefined;
        return true;
      case 'jobs':
        return [...deps.jobs.recent(), ...deps.jobs.jobs()].map(jobView);
      case 'waitJob':
        return deps.jobs.whenFinished(String(args.jobId));
      case 'tree':
        return render(deps.tree, undefined, 0);
      case 'problems': {
        // The analysis diagnostics are made from, awaited: a test can tell "no problems" from "not analysed yet".
        const analysis = await deps.model.analyzer.analyze(await vscode.workspace.openTextDocument(vscode.Uri.file(String(args.file))));
        return analysis.problems.map((p) => ({ code: p.code, severity: p.severity, message: p.message }));
      }
      case 'dashboard':
        return deps.dashboards.exchange(String(args.file));
      case 'deliver':
        return deps.dashboards.deliver(String(args.file), args.message);
      default:
        throw new Error(`${TEST_HOOK_COMMAND}: unknown op "${op}"`);
    }
  });
}
