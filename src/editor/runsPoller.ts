import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runsRootFor } from '../config';
import { SENSITIVITY_FILE } from '../core/experiment/sensitivitySource';
import { RUN_FILE } from '../core/jobs/runFolder';
import type { ExperimentAnalyzer } from './analysis';
import { isExperimentDocument } from './documents';

const POLL_MS = 3000;

function stampOf(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return '-';
  }
}

/** The probe runs under a runs folder, as names and file stamps: changes whenever a probe result appears or finishes. */
export function probeRunsSignature(runsRoot: string): string {
  let ids: string[];
  try {
    ids = fs.readdirSync(runsRoot).filter((id) => id.includes('-probe'));
  } catch {
    return '';
  }
  return ids
    .sort()
    .map((id) => `${id}=${stampOf(path.join(runsRoot, id, RUN_FILE))}/${stampOf(path.join(runsRoot, id, SENSITIVITY_FILE))}`)
    .join(';');
}

/**
 * A fallback for the file watcher: a recursive watcher may miss files in folders created in one go (`.smoe/runs/<id>`
 * for the first probe of an experiment), so the runs folders of open experiment files are also checked every few
 * seconds, with a readdir and two stats per probe run.
 */
export function pollProbeRuns(analyzer: ExperimentAnalyzer): vscode.Disposable {
  const seen = new Map<string, string>();
  const timer = setInterval(() => {
    const roots = new Set(vscode.workspace.textDocuments.filter(isExperimentDocument).map((d) => runsRootFor(d.uri.fsPath)));
    let changed = false;
    for (const root of roots) {
      const signature = probeRunsSignature(root);
      if (seen.has(root) && seen.get(root) !== signature) changed = true;
      seen.set(root, signature);
    }
    if (changed) analyzer.invalidate();
  }, POLL_MS);
  return new vscode.Disposable(() => clearInterval(timer));
}
