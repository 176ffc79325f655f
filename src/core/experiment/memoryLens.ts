// The editor's memory line above `probe` and `training`: the predicted peak (core/algo/memory) for the file's
// settings, from the model's headers only; undefined when the model is not readable yet.
import { describeEstimate, estimatePeakMemory, mapTrainableParams, resolveRecompute, type MemoryEstimate, type MemoryJobKind, type RecomputeSetting } from '../algo';
import { adapterOf } from './settings';
import { sectionDefaults } from './defaults';
import type { ModelFacts } from './facts';
import { isObject, sectionOf, type Loose } from './lenient';

function positiveInt(section: Loose, defaults: Loose, key: string): number {
  const value = section[key];
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : (defaults[key] as number);
}

/** `key` of section `name` as the file sets it (its default where absent or invalid). */
function setting(raw: unknown, name: 'probe' | 'training' | 'evaluation', key: string): number {
  return positiveInt(sectionOf(raw, name), sectionDefaults(name) as Loose, key);
}

/**
 * Batch and length of the job as the file sets them: evaluation scores batches of evaluation.batchSize examples
 * cut at training.maxLength (the evaluate job's own refusal uses the same two).
 */
function shapeOf(raw: unknown, kind: MemoryJobKind): { batch: number; length: number } {
  if (kind === 'probe') return { batch: Math.min(setting(raw, 'probe', 'batchSize'), setting(raw, 'probe', 'samplesPerTask')), length: setting(raw, 'probe', 'maxLength') };
  const length = setting(raw, 'training', 'maxLength');
  return kind === 'train' ? { batch: setting(raw, 'training', 'microBatchSize'), length } : { batch: setting(raw, 'evaluation', 'batchSize'), length };
}

/** The experts of the file's inline map (a map file or an allocation yet to run counts as one expert per target). */
function expertsOf(raw: unknown, facts: Extract<ModelFacts, { status: 'ok' }>): Record<string, number> {
  const written = isObject(raw) && isObject(raw.experts) ? (raw.experts as Record<string, unknown>) : undefined;
  if (written) return Object.fromEntries(Object.entries(written).filter((e): e is [string, number] => typeof e[1] === 'number'));
  const targets = adapterOf(raw).targetModules;
  return Object.fromEntries(facts.modules.filter((m) => targets.some((t) => m.endsWith(`.${t}`))).map((m) => [m, 1]));
}

/** probe.recompute / training.recompute as the file sets it (`auto` where absent or invalid). */
function recomputeSetting(raw: unknown, kind: MemoryJobKind): RecomputeSetting {
  const value = sectionOf(raw, kind === 'probe' ? 'probe' : 'training').recompute;
  return typeof value === 'boolean' ? value : 'auto';
}

/**
 * The predicted peak of one job of an experiment file, with recomputation as the job would choose it on a machine
 * of `limitBytes` (probe and training); undefined when the model is not readable yet.
 */
export function experimentEstimate(raw: unknown, model: ModelFacts | undefined, kind: MemoryJobKind, limitBytes = Infinity): (MemoryEstimate & { recompute: boolean }) | undefined {
  if (model?.status !== 'ok' || model.weightBytes === undefined) return undefined;
  const adapterParams = kind === 'probe' ? 0 : mapTrainableParams(model.config, adapterOf(raw), expertsOf(raw, model));
  const job = { kind, ...shapeOf(raw, kind), adapterParams };
  const recompute = kind !== 'evaluate' && resolveRecompute(recomputeSetting(raw, kind), model.config, model.weightBytes, job, limitBytes);
  return { ...estimatePeakMemory(model.config, model.weightBytes, { ...job, recompute }), recompute };
}

/**
 * "≈ 9.8 GiB peak · fits in 24 GiB" for the probe, training or evaluation job of an experiment file (evaluation: the
 * adapter the file trains, held once), with "· layers recomputed" when the job would recompute.
 */
export function memoryLensTitle(raw: unknown, model: ModelFacts | undefined, kind: MemoryJobKind, limitBytes: number): string | undefined {
  const estimate = experimentEstimate(raw, model, kind, limitBytes);
  return estimate && `${describeEstimate(estimate, limitBytes)}${estimate.recompute ? ' · layers recomputed' : ''}`;
}

/** The dashboard's memory line: every job's predicted peak against the machine's memory. */
export function experimentMemory(raw: unknown, model: ModelFacts | undefined, limitBytes: number): { limitBytes: number; jobs: { kind: MemoryJobKind; peakBytes: number }[] } | undefined {
  const jobs = (['probe', 'train', 'evaluate'] as const).flatMap((kind) => {
    const estimate = experimentEstimate(raw, model, kind, limitBytes);
    return estimate ? [{ kind, peakBytes: estimate.peakBytes }] : [];
  });
  return jobs.length > 0 ? { limitBytes, jobs } : undefined;
}
