// Dashboards by experiment file; reopened after a window reload through the webview serializer.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isDashboardWebviewState } from '../protocol/webview';
import type { DashboardOpener, DashboardSelection } from '../runs/services';
import { DASHBOARD_VIEW_TYPE, DashboardPanel, type ExchangeLog, type PanelDeps } from './dashboardPanel';

export class DashboardManager implements DashboardOpener, vscode.Disposable {
  private readonly panels = new Map<string, DashboardPanel>();
  private readonly serializer: vscode.Disposable;

  constructor(private readonly deps: PanelDeps) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => this.revive(panel, state),
    });
  }

  async open(experimentFile: string, selection: DashboardSelection = {}): Promise<void> {
    const file = path.resolve(experimentFile);
    const existing = this.panels.get(file);
    if (existing) {
      existing.select(selection);
      return;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, `Dashboard: ${path.basename(file)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.deps.extensionUri, 'dist'), vscode.Uri.joinPath(this.deps.extensionUri, 'media')],
    });
    this.adopt(panel, file, selection);
  }

  /** What the dashboard of `experimentFile` exchanged with its webview (test hook). */
  exchange(experimentFile: string): ExchangeLog | undefined {
    return this.panels.get(path.resolve(experimentFile))?.exchange;
  }

  /** Hands `message` to the dashboard as if its webview had sent it (test hook); false when none is open. */
  async deliver(experimentFile: string, message: unknown): Promise<boolean> {
    const panel = this.panels.get(path.resolve(experimentFile));
    if (!panel) return false;
    await panel.receive(message);
    return true;
  }

  dispose(): void {
    this.serializer.dispose();
    for (const panel of [...this.panels.values()]) panel.dispose();
  }

  private revive(panel: vscode.WebviewPanel, state: unknown): void {
    if (!isDashboardWebviewState(state) || !fs.existsSync(state.experimentFile)) {
      // The experiment is gone (or the state is not ours): nothing to show.
      panel.dispose();
      return;
    }
    this.adopt(panel, path.resolve(state.experimentFile), {});
  }

  private adopt(panel: vscode.WebviewPanel, file: string, selection: DashboardSelection): void {
    const dashboard = new DashboardPanel(panel, file, this.deps, selection);
    this.panels.set(file, dashboard);
    dashboard.onDidClose(() => {
      if (this.panels.get(file) === dashboard) this.panels.delete(file);
    });
  }
}
