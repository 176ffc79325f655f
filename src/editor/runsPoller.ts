import * as vscode from 'vscode';
import type { ExperimentAnalyzer } from './analysis';

const POLL_MS = 3000;

/**
 * A fallback for the file watcher: a recursive watcher may miss files in folders created in one go (`.smoe/runs/<id>`
 * for the first probe of an experiment), so every few seconds each cached analysis that picked its sensitivity from a
 * probe run checks its runs folder against the state it read (a readdir and two stats per probe run). Comparing with
 * what the analysis read, not with what an earlier tick saw, also catches a result that appeared between the analysis
 * and the first tick after the file was opened.
 */
export function pollProbeRuns(analyzer: ExperimentAnalyzer): vscode.Disposable {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    analyzer
      .refreshIfProbeRunsChanged()
      .catch((error: unknown) => console.error('LoRA-SMoE: checking runs folders failed:', error))
      .finally(() => {
        busy = false;
      });
  }, POLL_MS);
  return new vscode.Disposable(() => clearInterval(timer));
}
