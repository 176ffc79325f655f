// The Experiments tree's elements; commands invoked from the tree receive these as their first argument.
import type { QueueEntry } from '../core/jobs/sweepQueue';
import type { JobInfo } from '../runs/jobManager';
import type { RunEntry } from '../runs/runListing';

export interface ExperimentNode {
  type: 'experiment';
  file: string;
}

export interface RunNode {
  type: 'run';
  experimentFile: string;
  entry: RunEntry;
}

/** A job with no run folder yet (queued, or starting). */
export interface JobNode {
  type: 'job';
  experimentFile: string;
  job: JobInfo;
}

/**
 * A job's live progress, a row under its run: refreshing it at every step leaves the run row, and the Cancel button
 * on it, alone (a re-rendered button loses a click whose press and release straddle the re-render).
 */
export interface ProgressNode {
  type: 'progress';
  run: RunNode;
}

export interface ArtifactNode {
  type: 'artifact';
  path: string;
  directory: boolean;
}

/** One run of a sweep (a queue entry), under the sweep's run; its training and evaluation runs sit under it. */
export interface SweepMemberNode {
  type: 'sweepMember';
  sweepDir: string;
  /** The experiment the sweep ran (the member's own file is in the sweep folder). */
  experimentFile: string;
  entry: QueueEntry;
}

export type ExperimentsNode = ExperimentNode | RunNode | JobNode | ProgressNode | ArtifactNode | SweepMemberNode;

function isNode(value: unknown): value is { type: unknown } {
  return typeof value === 'object' && value !== null && 'type' in value;
}

export function isRunNode(value: unknown): value is RunNode {
  return isNode(value) && value.type === 'run' && 'entry' in value;
}

export function isJobNode(value: unknown): value is JobNode {
  return isNode(value) && value.type === 'job' && 'job' in value;
}

export function isExperimentNode(value: unknown): value is ExperimentNode {
  return isNode(value) && value.type === 'experiment' && typeof (value as ExperimentNode).file === 'string';
}
