// The predicted peak of a bench job (MiB), from the checkpoint's headers: the same estimate the jobs refuse with.
import * as os from 'node:os';
import { estimatePeakMemory, mapTrainableParams, resolveRecompute } from '../../../src/core/algo';
import { allModules } from '../../../src/core/model/config';
import { locateCheckpoint, storedWeightBytes } from '../../../src/core/model/load';
import type { ScaleChildSpec } from './child';

const ATTENTION = ['q_proj', 'k_proj', 'v_proj', 'o_proj'];

/** The predicted peak (MiB) and whether the job recomputes (spec.recompute, else `auto` as the jobs resolve it). */
export function predictPeak(modelDir: string, spec: Omit<ScaleChildSpec, 'modelDir' | 'tasks'>): { mib: number; recompute: boolean } {
  const located = locateCheckpoint(modelDir, 'hf');
  const experts = Object.fromEntries(allModules(located.config).filter((m) => ATTENTION.includes(m.type)).map((m) => [m.name, spec.experts]));
  const adapterParams = spec.kind === 'train' ? mapTrainableParams(located.config, { style: 'shared-a', rank: 8 }, experts) : 0;
  const job = { kind: spec.kind, batch: spec.batch, length: spec.length, adapterParams };
  const recompute = resolveRecompute(spec.recompute ?? 'auto', located.config, storedWeightBytes(located), job, os.totalmem());
  const estimate = estimatePeakMemory(located.config, storedWeightBytes(located), { ...job, recompute });
  return { mib: estimate.peakBytes / 2 ** 20, recompute };
}
