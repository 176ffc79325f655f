// The editor's memory line above `probe` and `training`: the predicted peak (core/algo/memory) for the file's
// settings, from the model's headers only; undefined when the model is not readable yet.
import { describeEstimate, estimatePeakMemory, mapTrainableParams, type MemoryJobKind } from '../algo';
import { adapterOf } from './settings';
import { sectionDefaults } from './defaults';
import type { ModelFacts } from './facts';
import { isObject, sectionOf, type Loose } from './lenient';

function positiveInt(section: Loose, defaults: Loose, key: string): number {
  const value = section[key];
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : (defaults[key] as number);
}

/** Batch and length of the job as the file sets them (defaults where absent or invalid). */
function shapeOf(raw: unknown, kind: MemoryJobKind): { batch: number; length: number } {
  const key = kind === 'probe' ? 'probe' : 'training';
  const section = sectionOf(raw, key);
  const defaults = sectionDefaults(key) as Loose;
  if (kind === 'probe') return { batch: Math.min(positiveInt(section, defaults, 'batchSize'), positiveInt(section, defaults, 'samplesPerTask')), length: positiveInt(section, defaults, 'maxLength') };
  return { batch: positiveInt(section, defaults, 'microBatchSize'), length: positiveInt(section, defaults, 'maxLength') };
}

/** The experts of the file's inline map (a map file or an allocation yet to run counts as one expert per target). */
function expertsOf(raw: unknown, facts: Extract<ModelFacts, { status: 'ok' }>): Record<string, number> {
  const written = isObject(raw) && isObject(raw.experts) ? (raw.experts as Record<string, unknown>) : undefined;
  if (written) return Object.fromEntries(Object.entries(written).filter((e): e is [string, number] => typeof e[1] === 'number'));
  const targets = adapterOf(raw).targetModules;
  return Object.fromEntries(facts.modules.filter((m) => targets.some((t) => m.endsWith(`.${t}`))).map((m) => [m, 1]));
}

/** "≈ 9.8 GiB peak · fits in 24 GiB" for the probe or training job of an experiment file. */
export function memoryLensTitle(raw: unknown, model: ModelFacts | undefined, kind: MemoryJobKind, limitBytes: number): string | undefined {
  if (model?.status !== 'ok' || model.weightBytes === undefined) return undefined;
  const adapterParams = kind === 'probe' ? 0 : mapTrainableParams(model.config, adapterOf(raw), expertsOf(raw, model));
  const estimate = estimatePeakMemory(model.config, model.weightBytes, { kind, ...shapeOf(raw, kind), adapterParams });
  return describeEstimate(estimate, limitBytes);
}
