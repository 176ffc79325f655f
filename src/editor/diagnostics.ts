import * as vscode from 'vscode';
import { spanAt } from '../core/experiment/positions';
import type { ExperimentProblem, ProblemSeverity } from '../core/experiment/problems';
import type { WorkspaceModel } from '../workspace/workspaceModel';
import type { ExperimentAnalysis } from './analysis';
import { isExperimentDocument } from './documents';
import { rangeOf } from './textEdits';

export const DIAGNOSTIC_SOURCE = 'LoRA-SMoE';
const TYPING_DELAY_MS = 300;

const SEVERITY: Record<ProblemSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toDiagnostic(document: vscode.TextDocument, analysis: ExperimentAnalysis, problem: ExperimentProblem): vscode.Diagnostic {
  const range = rangeOf(document, spanAt(analysis.parsed, problem.path, problem.target));
  const diagnostic = new vscode.Diagnostic(range, problem.message, SEVERITY[problem.severity]);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = problem.code;
  return diagnostic;
}

/** One DiagnosticCollection for experiment files: refreshed on open and (debounced) on change, cleared on close. */
export class ExperimentDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('smoe');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly model: WorkspaceModel) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, TYPING_DELAY_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d)),
      model.onDidChange((change) => {
        if (change.analyses) vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0));
      }),
    ];
    vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0));
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!isExperimentDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.refresh(document);
    }, delayMs));
  }

  private async refresh(document: vscode.TextDocument): Promise<void> {
    try {
      const analysis = await this.model.analyzer.analyze(document);
      if (document.isClosed || document.version !== analysis.version) return;
      this.collection.set(document.uri, analysis.problems.map((p) => toDiagnostic(document, analysis, p)));
    } catch (error) {
      // A bug in a check must not leave stale diagnostics that look authoritative.
      this.collection.delete(document.uri);
      this.model.reportFailure(`LoRA-SMoE: checking ${document.uri.fsPath} failed`, error);
    }
  }

  private clear(document: vscode.TextDocument): void {
    clearTimeout(this.timers.get(document.uri.toString()));
    this.timers.delete(document.uri.toString());
    this.collection.delete(document.uri);
    this.model.analyzer.forget(document);
  }

  dispose(): void {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.subscriptions.forEach((s) => s.dispose());
    this.collection.dispose();
  }
}
