// The runs of every experiment in the workspace, read from disk (extension and CLI runs alike).
import * as fs from 'node:fs';
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
import { runsRootFor } from '../config';
import { EXPERIMENT_SUFFIX } from '../workspace/changes';
import { EventsCache } from './eventsCache';
import { withBroughtBackRuns } from './extraRoots';
import { listRuns, runsOfExperiment, type RunEntry } from './runListing';
import { isSweepRunExperiment } from './sweepListing';

export const EXPERIMENT_GLOB = `**/*${EXPERIMENT_SUFFIX}`;
const EXCLUDE_GLOB = '{**/node_modules/**,**/.git/**}';

/**
 * Experiment files, their runs and the runs' events, read on demand. The workspace model owns it and announces
 * changes; `forgetExperiments` drops the cached list of experiment files when one appeared or went away.
 */
export class RunStore {
  readonly events = new EventsCache();
  private experimentList?: Promise<string[]>;

  /** Experiment files in the workspace, sorted by path. */
  experiments(): Promise<string[]> {
    this.experimentList ??= Promise.resolve(vscode.workspace.findFiles(EXPERIMENT_GLOB, EXCLUDE_GLOB)).then((uris) =>
      uris.filter((u) => u.scheme === 'file').map((u) => u.fsPath).filter((f) => !isSweepRunExperiment(f)).sort((a, b) => a.localeCompare(b)),
    );
    return this.experimentList;
  }

  forgetExperiments(): void {
    this.experimentList = undefined;
  }

  runsRoot(experimentFile: string): string {
    return runsRootFor(experimentFile);
  }

  /** Runs of one experiment (local and brought back, smoe.extraRunRoots), newest first. */
  runsOf(experimentFile: string): RunEntry[] {
    return runsOfExperiment(withBroughtBackRuns(listRuns(runsRootFor(experimentFile))), experimentFile);
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
}
