// Peak memory of probe, train and evaluate, predicted from the model's shapes and stored weight bytes alone
// (config.json + safetensors headers), before anything is loaded. The terms follow what docs/memory.md measured:
// the weights stay in their stored precision, one layer's float32 up-cast exists at a time, activations kept for
// the backward pass grow with tokens x layers, and the LM head works on blocks of vocabulary rows.
import type { ModelConfig } from '../model/config';

export type MemoryJobKind = 'probe' | 'train' | 'evaluate';

/** probe.recompute / training.recompute: `auto` is on when the estimate without it exceeds half of the machine's memory. */
export type RecomputeSetting = 'auto' | boolean;

export interface MemoryJob {
  kind: MemoryJobKind;
  /** Examples per graph run (probe batch size, training micro-batch). */
  batch: number;
  /** Tokens per example (maxLength). */
  length: number;
  /** Trainable adapter parameters (train; evaluate holds them once). */
  adapterParams?: number;
  /** Modules whose forward activations are kept for the backward pass: adapted modules (train) or probed ones. */
  targets?: number;
  /** Per-layer recomputation: one layer's activations at a time plus each layer's input, instead of every layer's. */
  recompute?: boolean;
}

export interface MemoryEstimate {
  peakBytes: number;
  parts: { runtime: number; weights: number; activations: number; head: number; adapters: number };
}

/** Node, onnxruntime and the session's own buffers (fitted with the factors below, bench:scale 2026-12-06). */
const RUNTIME_BYTES = 200 * 2 ** 20;
/** Vocabulary rows per block of the LM head (engine DEFAULT_VOCAB_CHUNK). */
const VOCAB_CHUNK = 16384;
/**
 * float32 values per token and layer kept alive for the backward pass, as multiples of the widths they come from
 * (fitted to bench:scale's measured peaks; see docs/memory.md).
 */
const SAVED = { hidden: 10, attention: 6, mlp: 5, scores: 3 };
/**
 * Measured ratio of resident activation memory to the SAVED count, per job (bench:scale at the Qwen2.5 0.5B shape
 * with and without recomputation, jobs under the fixed glibc mmap threshold; checked on 1.5B, 3B and 7B: docs/memory.md).
 */
const OVERHEAD: Record<MemoryJobKind, number> = { probe: 0.75, train: 0.8, evaluate: 1 };
/** float32 values per token and hidden width kept per layer with recomputation (the layer's input, its gradient). */
const CHECKPOINT_VALUES = 2;
const F32 = 4;

/** Bytes of float32 activations one token keeps per layer during a forward + backward pass. */
function savedPerTokenLayer(c: ModelConfig, length: number): number {
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  return F32 * (SAVED.hidden * c.hiddenSize + SAVED.attention * (q + 2 * kv) + SAVED.mlp * c.intermediateSize + SAVED.scores * c.numHeads * length);
}

/** The largest float32 up-cast of one layer's weights, or one vocabulary block of the head. */
function largestUpcast(c: ModelConfig): number {
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  const layer = c.hiddenSize * (2 * q + 2 * kv) + 3 * c.hiddenSize * c.intermediateSize;
  return F32 * Math.max(layer, Math.min(c.vocabSize, VOCAB_CHUNK) * c.hiddenSize);
}

/** Peak resident memory of one job: `weightBytes` is the checkpoint's stored size (safetensors headers). */
export function estimatePeakMemory(config: ModelConfig, weightBytes: number, job: MemoryJob): MemoryEstimate {
  const tokens = job.batch * job.length;
  const backward = job.kind !== 'evaluate';
  const layersKept = job.recompute ? 1 : config.numLayers;
  // With recomputation each layer's input (one float32 hidden state per token) is the checkpoint kept for its copy.
  const checkpoints = job.recompute ? F32 * tokens * config.numLayers * CHECKPOINT_VALUES * config.hiddenSize : 0;
  const activations = backward
    ? OVERHEAD[job.kind] * (tokens * layersKept * savedPerTokenLayer(config, job.length) + checkpoints)
    : F32 * tokens * (4 * config.hiddenSize + 2 * config.intermediateSize + config.numHeads * job.length);
  // The LM head works on one block of vocabulary rows at a time: its logits, exp and softmax, and the float32 rows.
  const head = F32 * 3 * tokens * Math.min(config.vocabSize, VOCAB_CHUNK) + 2 * largestUpcast(config);
  const adapterCopies = job.kind === 'train' ? 5 : 1;
  const adapters = F32 * adapterCopies * (job.adapterParams ?? 0);
  const parts = { runtime: RUNTIME_BYTES, weights: weightBytes, activations, head, adapters };
  return { peakBytes: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}

/** The largest batch (then, at batch 1, the largest length) whose estimate fits in `limitBytes`. */
export function largestFittingRun(config: ModelConfig, weightBytes: number, job: MemoryJob, limitBytes: number): { batch: number; length: number } | undefined {
  const fits = (batch: number, length: number) => estimatePeakMemory(config, weightBytes, { ...job, batch, length }).peakBytes <= limitBytes;
  for (let batch = job.batch; batch >= 1; batch--) if (fits(batch, job.length)) return { batch, length: job.length };
  for (let length = job.length; length >= 16; length = Math.floor(length * 0.75)) if (fits(1, length)) return { batch: 1, length };
  return undefined;
}

export const GIB = 2 ** 30;

/**
 * `auto` recomputes when the estimate without it exceeds half of `limitBytes`: below that, keeping the activations
 * costs memory the machine has and saves a forward pass per step.
 */
export function resolveRecompute(setting: RecomputeSetting | undefined, config: ModelConfig, weightBytes: number, job: MemoryJob, limitBytes: number): boolean {
  if (typeof setting === 'boolean') return setting;
  return estimatePeakMemory(config, weightBytes, { ...job, recompute: false }).peakBytes > limitBytes / 2;
}

/**
 * A job as it will run: recomputation resolved from its setting (`auto` by the estimate) and, when even that does
 * not fit in `limitBytes`, the message that refuses it (memoryRefusal).
 */
export function planJobMemory(
  config: ModelConfig, weightBytes: number, job: MemoryJob, setting: RecomputeSetting | undefined, limitBytes: number, settings: FitSettings,
): { recompute: boolean; refusal?: string } {
  const recompute = resolveRecompute(setting, config, weightBytes, job, limitBytes);
  return { recompute, refusal: memoryRefusal(config, weightBytes, { ...job, recompute }, limitBytes, settings) };
}

/** "≈ 9.8 GiB peak · fits in 24 GiB" (or "· does not fit in 24 GiB"). */
export function describeEstimate(estimate: MemoryEstimate, limitBytes: number): string {
  const fits = estimate.peakBytes <= limitBytes ? 'fits in' : 'does not fit in';
  return `≈ ${(estimate.peakBytes / GIB).toFixed(1)} GiB peak · ${fits} ${(limitBytes / GIB).toFixed(0)} GiB`;
}

/** What a refusal names: the job's batch and length settings, so the message says which to change. */
export interface FitSettings {
  batch: string;
  length: string;
  /** The job's recompute setting (probe.recompute, training.recompute), suggested when turning it on would fit. */
  recompute?: string;
}

/**
 * undefined when the job fits in `limitBytes`; otherwise the message that refuses it before anything is loaded:
 * the estimate, the machine's memory, and the largest batch / length that would fit.
 */
export function memoryRefusal(config: ModelConfig, weightBytes: number, job: MemoryJob, limitBytes: number, settings: FitSettings): string | undefined {
  const estimate = estimatePeakMemory(config, weightBytes, job);
  if (estimate.peakBytes <= limitBytes) return undefined;
  const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;
  const head = `this ${job.kind} needs ≈ ${gib(estimate.peakBytes)} at ${job.batch} × ${job.length} tokens (weights ${gib(weightBytes)}, activations ${gib(estimate.parts.activations)}); this machine has ${gib(limitBytes)}`;
  if (!job.recompute && settings.recompute) {
    const recomputed = estimatePeakMemory(config, weightBytes, { ...job, recompute: true }).peakBytes;
    if (recomputed <= limitBytes) return `${head}. Set ${settings.recompute} true (≈ ${gib(recomputed)})`;
  }
  const fit = largestFittingRun(config, weightBytes, job, limitBytes);
  if (!fit) return `${head}. Even 1 × 16 tokens does not fit: the model is too large for this machine`;
  const fitEstimate = estimatePeakMemory(config, weightBytes, { ...job, ...fit }).peakBytes;
  const change = fit.length === job.length ? `${settings.batch} ${fit.batch}` : `${settings.batch} 1 and ${settings.length} ${fit.length}`;
  return `${head}. Set ${change} (≈ ${gib(fitEstimate)})`;
}
