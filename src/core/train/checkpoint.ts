// Checkpoints: `checkpoints/step-N/` = adapter.safetensors + optimizer.safetensors + state.json, written
// into a temporary folder and renamed into place, so a killed process never leaves a half-written step.
import * as fs from 'node:fs';
import * as path from 'node:path';
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

function writeSynced(file: string, data: Uint8Array | string): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `checkpoints/step-N/` atomically and returns its path; an existing step-N is replaced. */
export function writeCheckpoint(runDir: string, params: ParamSet, optimizer: AdamWState, state: Omit<CheckpointState, 'savedAt'>): string {
  const root = path.join(runDir, CHECKPOINTS_DIR);
  fs.mkdirSync(root, { recursive: true });
  const finalDir = path.join(root, `step-${state.step}`);
  const temp = path.join(root, `.step-${state.step}.${process.pid}.tmp`);
  fs.rmSync(temp, { recursive: true, force: true });
  fs.mkdirSync(temp);
  writeSynced(path.join(temp, ADAPTER_FILE), encodeSafetensors(asTensors(params, state.shapes)));
  const moments = new Map([...asTensors(optimizer.expAvg, state.shapes, 'exp_avg/'), ...asTensors(optimizer.expAvgSq, state.shapes, 'exp_avg_sq/')]);
  writeSynced(path.join(temp, OPTIMIZER_FILE), encodeSafetensors(moments, { metadata: { step: String(optimizer.step) } }));
  // state.json last: its presence marks the folder complete even on file systems without atomic folder renames.
  writeSynced(path.join(temp, STATE_FILE), JSON.stringify({ ...state, savedAt: new Date().toISOString() }, null, 2) + '\n');
  if (fs.existsSync(finalDir)) {
    // Move the old one aside first: a crash in between still leaves a complete folder (or earlier steps).
    const aside = path.join(root, `.step-${state.step}.old.${process.pid}.tmp`);
    fs.renameSync(finalDir, aside);
    fs.renameSync(temp, finalDir);
    fs.rmSync(aside, { recursive: true, force: true });
  } else {
    fs.renameSync(temp, finalDir);
  }
  return finalDir;
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

/** The newest complete checkpoint of a run, or undefined when it has none. */
export function latestCheckpoint(runDir: string): Checkpoint | undefined {
  const newest = listCheckpoints(runDir).at(-1);
  return newest ? readCheckpoint(newest.dir) : undefined;
}
