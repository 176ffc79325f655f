// One dashboard webview per experiment: snapshots out (after `ready`), validated requests in.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { changedSettings } from '../core/experiment/allocationSettings';
import type { ExpertMap } from '../core/experiment/types';
import { writeExpertMap } from '../editor/commands/mapEdits';
import { isFromWebviewMessage, type FromWebviewMessage, type ToWebviewMessage, type WhatIfChoice } from '../protocol/webview';
import { primaryFileOf } from '../runs/runListing';
import type { DashboardSelection } from '../runs/services';
import { collectSnapshot } from './collect/snapshot';
import { computeWhatIf, whatIfMap, withControls } from './collect/whatIf';
import { exportComparisonCsv } from './comparisonExport';
import type { ComparisonView } from '../protocol/comparison';
import { analyse, gatherSources, planFrom, type SourceDeps } from './dashboardSources';
import { dashboardHtml } from './html';

export const DASHBOARD_VIEW_TYPE = 'smoe.dashboard';
const REFRESH_MS = 200;
const LOG_LIMIT = 100;

export interface PanelDeps extends SourceDeps {
  extensionUri: vscode.Uri;
}

/** The last messages each way (types only) and what the last snapshot held: the integration tests read it. */
export interface ExchangeLog {
  received: string[];
  sent: string[];
  lastSnapshot?: { sections: string[]; runs: number; notes: string[]; comparisonRows: string[] };
}

export function configureWebview(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, file: string): void {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  const { webview } = panel;
  webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
  panel.iconPath = vscode.Uri.joinPath(media, 'smoe.svg');
  panel.title = `Dashboard: ${path.basename(file)}`;
  webview.html = dashboardHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'dashboard.css')).toString(),
    title: panel.title,
  });
}

export class DashboardPanel implements vscode.Disposable {
  readonly exchange: ExchangeLog = { received: [], sent: [] };
  private ready = false;
  private disposed = false;
  private stale = true;
  private timer?: NodeJS.Timeout;
  private controls?: WhatIfChoice;
  private comparison?: ComparisonView;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;

  constructor(readonly panel: vscode.WebviewPanel, readonly file: string, private readonly deps: PanelDeps, private selection: DashboardSelection) {
    configureWebview(panel, deps.extensionUri, file);
    const schedule = () => this.schedule();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => { if (panel.visible && this.stale) schedule(); }),
      deps.model.onDidChange(schedule),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.document.uri.fsPath === file) schedule(); }),
      vscode.workspace.onDidGrantWorkspaceTrust(schedule),
    );
  }

  select(selection: DashboardSelection): void {
    this.selection = { baseline: this.selection.baseline, ...selection };
    this.panel.reveal();
    this.schedule();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.closed.fire();
    this.closed.dispose();
    this.panel.dispose();
  }

  private schedule(): void {
    this.stale = true;
    if (this.timer || !this.ready) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sendSnapshot();
    }, REFRESH_MS);
  }

  private async sendSnapshot(): Promise<void> {
    if (!this.ready) return;
    if (!this.panel.visible) {
      this.stale = true;
      return;
    }
    this.stale = false;
    const snapshot = collectSnapshot(await gatherSources(this.deps, this.file, this.selection, this.controls));
    this.comparison = snapshot.comparison;
    // The section is scrolled to once; later snapshots leave the scroll position to the user.
    if (this.selection.section) this.selection = { ...this.selection, section: undefined };
    const sections = (['sensitivity', 'allocation', 'whatIf', 'training', 'evaluation', 'comparison'] as const).filter((key) => snapshot[key] !== undefined);
    this.exchange.lastSnapshot = { sections, runs: snapshot.runs.length, notes: snapshot.notes, comparisonRows: snapshot.comparison?.rows.map((r) => r.id) ?? [] };
    this.post({ type: 'snapshot', snapshot });
  }

  private post(message: ToWebviewMessage): void {
    remember(this.exchange.sent, message.type);
    void this.panel.webview.postMessage(message);
  }

  /** Every inbound message, as from the webview (the test hook feeds messages here too). */
  async receive(raw: unknown): Promise<void> {
    if (!isFromWebviewMessage(raw)) {
      remember(this.exchange.received, 'invalid');
      return;
    }
    remember(this.exchange.received, raw.type);
    try {
      await this.handle(raw);
    } catch (error) {
      this.notice('error', `${raw.type} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async handle(message: FromWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        return this.sendSnapshot();
      case 'whatIf':
        this.controls = message.choice;
        return this.answerWhatIf(message.requestId, message.choice);
      case 'applyAllocation':
        return this.apply(message.choice);
      case 'startJob':
        return this.startJob(message.kind);
      case 'cancelJob':
        this.deps.jobs.cancel(message.jobId);
        return;
      case 'selectTrainingRun':
        this.selection = { ...this.selection, trainingRun: message.runId };
        return this.sendSnapshot();
      case 'openRun':
        return this.openRun(message.runId);
      case 'comparisonBaseline':
        this.selection = { ...this.selection, baseline: message.rowId ?? undefined };
        return this.sendSnapshot();
      case 'exportComparison': {
        const said = await exportComparisonCsv(this.comparison, message.rowIds, this.file);
        if (said) this.notice(said.level, said.message);
        return;
      }
      default: {
        const never: never = message;
        void never;
      }
    }
  }

  private async answerWhatIf(requestId: number, choice: WhatIfChoice): Promise<void> {
    const analysed = await analyse(this.deps.model.analyzer, this.file);
    if (!analysed) return this.notice('error', `${this.file} cannot be read any more.`);
    this.post({ type: 'whatIfResult', requestId, view: computeWhatIf(planFrom(analysed.analysis), choice) });
  }

  /** The what-if's map and the strategy, budget, percentile and scope that made it: one edit, as "Allocate Experts" writes. */
  private async apply(choice: WhatIfChoice): Promise<void> {
    const analysed = await analyse(this.deps.model.analyzer, this.file);
    if (!analysed) return this.notice('error', `${this.file} cannot be read any more.`);
    const plan = planFrom(analysed.analysis);
    let map: ExpertMap;
    try {
      map = whatIfMap(plan, choice);
    } catch (error) {
      return this.notice('error', `Nothing applied: ${error instanceof Error ? error.message : String(error)}`);
    }
    const settings = changedSettings(plan.choice, withControls(plan.choice, choice));
    const applied = await writeExpertMap(analysed.document, analysed.analysis.parsed.value, map, settings);
    const total = Object.values(map).reduce((a, n) => a + n, 0);
    const wrote = settings.length > 0 ? ` and ${settings.map((c) => c.path.join('.')).join(', ')}` : '';
    if (applied) this.notice('info', `Wrote ${total} experts (${choice.strategy})${wrote} into ${path.basename(this.file)}; one Undo in the file restores all of it.`);
    else this.notice('error', `VS Code refused the edit to ${path.basename(this.file)}; is the file read-only?`);
  }

  /** A training run goes to the training section; any other run opens its main result beside the dashboard. */
  private async openRun(runId: string): Promise<void> {
    const entry = this.deps.model.runs.runsOf(this.file).find((r) => r.id === runId);
    if (!entry) return this.notice('warning', `Run ${runId} is gone (deleted or moved); the table updates with the next change.`);
    if (entry.record.kind === 'train') {
      this.selection = { ...this.selection, trainingRun: runId };
      this.notice('info', `Training section shows ${entry.record.label ?? runId}.`);
      return this.sendSnapshot();
    }
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(primaryFileOf(entry.dir, entry.record.kind)), vscode.ViewColumn.Beside);
  }

  private async startJob(kind: 'probe' | 'train' | 'evaluate'): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      return this.notice('warning', 'Jobs run model code and write files, so the dashboard cannot start them in an untrusted workspace. Trust this folder first.');
    }
    await vscode.commands.executeCommand(`smoe.${kind}`, vscode.Uri.file(this.file));
  }

  private notice(level: 'info' | 'warning' | 'error', message: string): void {
    this.post({ type: 'notice', level, message });
  }
}

function remember(log: string[], entry: string): void {
  log.push(entry);
  if (log.length > LOG_LIMIT) log.shift();
}
