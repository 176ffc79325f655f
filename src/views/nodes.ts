// The Experiments tree's elements; commands invoked from the tree receive these as their first argument.
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

export interface ArtifactNode {
  type: 'artifact';
  path: string;
  directory: boolean;
}

export type ExperimentsNode = ExperimentNode | RunNode | JobNode | ArtifactNode;

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
