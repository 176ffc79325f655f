// Checkpoints: `checkpoints/step-N/` = adapter.safetensors + optimizer.safetensors + state.json, written
// into a temporary folder and renamed into place, so a killed process never leaves a half-written step.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { syncFolder, writeFileSynced } from '../data/atomicFile';
import { encodeSafetensors, readSafetensors, type WeightTensor } from '../model/safetensors';
import type { AdamWState, ParamSet } from './adamw';
import type { SamplerState } from './sampler';

export const CHECKPOINTS_DIR = 'checkpoints';
const STATE_FILE = 'state.json';
const ADAPTER_FILE = 'adapter.safetensors';
const OPTIMIZER_FILE = 'optimizer.safetensors';

/** Everything besides tensors that a resumed run needs to continue the same sequence. */
export interface CheckpointState {
  /** Optimiser steps completed. */
  step: number;
  sampler: SamplerState;
  /** State of the dropout-mask stream. */
  dropoutRandom: number;
  /** Tensor shapes by name, to rebuild the parameter set. */
  shapes: Record<string, number[]>;
  /** Mean loss of the last step, for the record. */
  loss?: number;
  savedAt: string;
}

export interface Checkpoint {
  dir: string;
  state: CheckpointState;
  params: ParamSet;
  optimizer: AdamWState;
}

function asTensors(set: ParamSet, shapes: Record<string, number[]>, prefix = ''): Map<string, WeightTensor> {
  return new Map([...set].map(([name, data]) => [`${prefix}${name}`, { dims: shapes[name], data }]));
}

/** Writes `checkpoints/step-N/` atomically and returns its path; an existing step-N is replaced. */
export function writeCheckpoint(runDir: string, params: ParamSet, optimizer: AdamWState, state: Omit<CheckpointState, 'savedAt'>): string {
  const root = path.join(runDir, CHECKPOINTS_DIR);
  fs.mkdirSync(root, { recursive: true });
  const finalDir = path.join(root, `step-${state.step}`);
  const temp = path.join(root, `.step-${state.step}.${process.pid}.tmp`);
  fs.rmSync(temp, { recursive: true, force: true });
  try {
    fs.mkdirSync(temp);
    writeFileSynced(path.join(temp, ADAPTER_FILE), encodeSafetensors(asTensors(params, state.shapes)));
    const moments = new Map([...asTensors(optimizer.expAvg, state.shapes, 'exp_avg/'), ...asTensors(optimizer.expAvgSq, state.shapes, 'exp_avg_sq/')]);
    writeFileSynced(path.join(temp, OPTIMIZER_FILE), encodeSafetensors(moments, { metadata: { step: String(optimizer.step) } }));
    // state.json last: its presence marks the folder complete even on file systems without atomic folder renames.
    writeFileSynced(path.join(temp, STATE_FILE), JSON.stringify({ ...state, savedAt: new Date().toISOString() }, null, 2) + '\n');
    syncFolder(temp);
  } catch (error) {
    // A full disk or a failed write leaves no half folder behind; earlier checkpoints stay as they were.
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  if (fs.existsSync(finalDir)) {
    // Move the old one aside first: a crash in between still leaves a complete folder (or earlier steps).
    const aside = path.join(root, `.step-${state.step}.old.${process.pid}.tmp`);
    fs.renameSync(finalDir, aside);
    fs.renameSync(temp, finalDir);
    fs.rmSync(aside, { recursive: true, force: true });
  } else {
    fs.renameSync(temp, finalDir);
  }
  syncFolder(root);
  return finalDir;
}

/** Keeps the newest `keep` checkpoints (the final one is always the newest) and removes the older ones. */
export function rotateCheckpoints(runDir: string, keep: number): string[] {
  const all = listCheckpoints(runDir);
  const removed = all.slice(0, Math.max(0, all.length - keep)).map((c) => c.dir);
  for (const dir of removed) fs.rmSync(dir, { recursive: true, force: true });
  return removed;
}

/** Completed checkpoints of a run, oldest first (temporary folders of a killed writer are ignored). */
export function listCheckpoints(runDir: string): { step: number; dir: string }[] {
  const root = path.join(runDir, CHECKPOINTS_DIR);
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, match: /^step-(\d+)$/.exec(name) }))
    .filter(({ name, match }) => match && fs.existsSync(path.join(root, name, STATE_FILE)))
    .map(({ name, match }) => ({ step: Number(match![1]), dir: path.join(root, name) }))
    .sort((a, b) => a.step - b.step);
}

/** Removes temporary folders left by a killed writer. */
export function removeStaleTemporaries(runDir: string): void {
  const root = path.join(runDir, CHECKPOINTS_DIR);
  if (!fs.existsSync(root)) return;
  for (const name of fs.readdirSync(root)) if (name.endsWith('.tmp')) fs.rmSync(path.join(root, name), { recursive: true, force: true });
}

export function readCheckpoint(dir: string): Checkpoint {
  const statePath = path.join(dir, STATE_FILE);
  let state: CheckpointState;
  try {
    state = JSON.parse(fs.readFileSync(statePath, 'utf8')) as CheckpointState;
  } catch (error) {
    throw new Error(`${statePath}: cannot be read (${(error as Error).message}); resume from an earlier checkpoint or start a new run`);
  }
  const adapter = readSafetensors(path.join(dir, ADAPTER_FILE)).tensors;
  const { tensors: moments, metadata } = readSafetensors(path.join(dir, OPTIMIZER_FILE));
  const params: ParamSet = new Map();
  const expAvg: ParamSet = new Map();
  const expAvgSq: ParamSet = new Map();
  for (const name of Object.keys(state.shapes)) {
    const p = adapter.get(name);
    const m = moments.get(`exp_avg/${name}`);
    const v = moments.get(`exp_avg_sq/${name}`);
    if (!p || !m || !v) throw new Error(`${dir}: tensor ${name} is missing from the checkpoint files`);
    params.set(name, p.data);
    expAvg.set(name, m.data);
    expAvgSq.set(name, v.data);
  }
  return { dir, state, params, optimizer: { step: Number(metadata.step ?? state.step), expAvg, expAvgSq } };
}

/** A checkpoint to resume from, and the newer ones that could not be read (each with the reason). */
export interface ResumePoint {
  checkpoint?: Checkpoint;
  unreadable: { dir: string; reason: string }[];
}

/**
 * The newest checkpoint that reads back whole (or `step-N` when `from` names one): a corrupt newest checkpoint falls
 * back to the one before it, and the result says which were passed over.
 */
export function resumePoint(runDir: string, from?: string): ResumePoint {
  const all = listCheckpoints(runDir);
  if (from !== undefined) {
    const wanted = all.find((c) => path.basename(c.dir) === from || String(c.step) === from.replace(/^step-/, ''));
    if (!wanted) {
      const have = all.map((c) => path.basename(c.dir)).join(', ') || 'none';
      throw new Error(`--from-checkpoint ${from}: ${path.join(runDir, CHECKPOINTS_DIR)} has no such checkpoint (it has: ${have})`);
    }
    return { checkpoint: readCheckpoint(wanted.dir), unreadable: [] };
  }
  const unreadable: ResumePoint['unreadable'] = [];
  for (const candidate of [...all].reverse()) {
    try {
      return { checkpoint: readCheckpoint(candidate.dir), unreadable };
    } catch (error) {
      unreadable.push({ dir: candidate.dir, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { unreadable };
}

/** The newest complete checkpoint of a run, or undefined when it has none. */
export function latestCheckpoint(runDir: string): Checkpoint | undefined {
  const newest = listCheckpoints(runDir).at(-1);
  return newest ? readCheckpoint(newest.dir) : undefined;
}
