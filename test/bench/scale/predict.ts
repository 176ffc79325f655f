// The predicted peak of a bench job (MiB), from the checkpoint's headers: the same estimate the jobs refuse with.
import { estimatePeakMemory, mapTrainableParams } from '../../../src/core/algo';
import { allModules } from '../../../src/core/model/config';
import { locateCheckpoint, storedWeightBytes } from '../../../src/core/model/load';
import type { ScaleChildSpec } from './child';

const ATTENTION = ['q_proj', 'k_proj', 'v_proj', 'o_proj'];

export function predictPeak(modelDir: string, spec: Omit<ScaleChildSpec, 'modelDir' | 'tasks'>): number {
  const located = locateCheckpoint(modelDir, 'hf');
  const experts = Object.fromEntries(allModules(located.config).filter((m) => ATTENTION.includes(m.type)).map((m) => [m.name, spec.experts]));
  const adapterParams = spec.kind === 'train' ? mapTrainableParams(located.config, { style: 'shared-a', rank: 8 }, experts) : 0;
  const estimate = estimatePeakMemory(located.config, storedWeightBytes(located), { kind: spec.kind, batch: spec.batch, length: spec.length, adapterParams });
  return estimate.peakBytes / 2 ** 20;
}
