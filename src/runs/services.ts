import type { JobManager } from './jobManager';
import type { JobOutputLog } from './outputLog';
import type { RunStore } from './runStore';

/** Which runs a dashboard shows: one training run in detail, or several compared. */
export interface DashboardSelection {
  trainingRun?: string;
  compare?: string[];
  /** The comparison row the paired differences are taken against. */
  baseline?: string;
  /** A section to scroll to when the dashboard opens ("Open Comparison"). */
  section?: 'comparison';
}

export interface DashboardOpener {
  open(experimentFile: string, selection?: DashboardSelection): Promise<void>;
}

/** What the run commands share (built once in registerRunFeatures). */
export interface RunServices {
  store: RunStore;
  jobs: JobManager;
  output: JobOutputLog;
  dashboards: DashboardOpener;
  /** Tells the workspace model that runs changed on disk (a run deleted or annotated; it may lie outside the watched workspace). */
  runsChanged(): void;
}
