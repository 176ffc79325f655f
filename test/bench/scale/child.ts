// One bench:scale measurement in its own process (so the peak RSS is its own): a probe or a few training steps
// on a generated checkpoint, through the same core functions the jobs use. Prints one JSON line.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentReporter, type JobContext, type MetricEvent } from '../../../src/core/runFolder/context';
import { locateCheckpoint } from '../../../src/core/model/load';
import { loraMoeConfig } from '../../../src/core/model/adapters/config';
import { logitsBuilderOf } from '../../../src/core/jobs/baseModel';
import { probeWithInputs } from '../../../src/core/jobs/probe';
import { LOAD_PHASE, LoadProgress } from '../../../src/core/jobs/loadProgress';
import { sessionForModel } from '../../../src/core/model/decoder/sessions';
import { allModules } from '../../../src/core/model/config';
import { readDatasetSync, truncateTokenized, type TokenizedRecord } from '../../../src/core/data';
import { trainInRunFolder } from '../../../src/core/train/trainLoop';

export interface ScaleChildSpec {
  kind: 'probe' | 'train';
  modelDir: string;
  tasks: { name: string; file: string }[];
  /** Probe: examples per task and per graph run; train: micro-batch. */
  batch: number;
  /** Probe: batches per task (default 1; the speed is the fastest batch after the first). */
  batches?: number;
  length: number;
  /** Training steps (the first is not timed). */
  steps: number;
  experts: number;
  threads?: number;
  /** onnxruntime's CPU arena (default: as the jobs open sessions, i.e. off for checkpoint files). */
  arena?: boolean;
  /** Graph optimization level (default: as the jobs open them: 'basic' for the probe, 'extended' for training). */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Per-layer recomputation (default: the job's default). */
  recompute?: boolean;
}

export interface ScaleChildResult {
  /** Seconds from the process start until the first probe batch or training step begins (loading, sessions). */
  startupSeconds: number;
  /** The first batch or step's seconds over a steady one's: the first run of an input shape costs more (docs/memory.md). */
  firstRatio: number;
  /** Probe: seconds per example; train: seconds per step. */
  unitSeconds: number;
  tokensPerSecond?: number;
  peakRssMiB: number;
  /** Seconds since the process started at each loading step ('load model' progress messages). */
  load: [string, number][];
}

const ATTENTION = ['q_proj', 'k_proj', 'v_proj', 'o_proj'] as const;
const started = performance.now();
const elapsed = (): number => (performance.now() - started) / 1000;

const load: [string, number][] = [];

function context(onMetric: (e: MetricEvent) => void): JobContext {
  return {
    ...silentReporter, signal: new AbortController().signal, metric: onMetric, log: (level, m) => process.stderr.write(`[${level}] ${m}\n`),
    progress: (e) => { if (e.phase === LOAD_PHASE) load.push([e.message ?? '', Number(elapsed().toFixed(1))]); },
  };
}

/** Only a level that was asked for: an undefined one would replace the probe's own 'basic'. */
function optimizationOf(spec: ScaleChildSpec): { graphOptimizationLevel?: ScaleChildSpec['optimization'] } {
  return spec.optimization ? { graphOptimizationLevel: spec.optimization } : {};
}

async function probe(spec: ScaleChildSpec): Promise<ScaleChildResult> {
  const batches: { at: number; seconds: number }[] = [];
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-scale-')), 'sensitivity.json');
  await probeWithInputs({
    model: { path: spec.modelDir, format: 'hf' }, tasks: spec.tasks, modules: [...ATTENTION], samplesPerTask: spec.batch * (spec.batches ?? 1), seed: 1,
    maxLength: spec.length, trainOnInputs: false, clip: null, method: 'auto', batchSize: spec.batch, recompute: spec.recompute, engine: { device: 'cpu', intraOpThreads: spec.threads, memoryArena: spec.arena, ...optimizationOf(spec) },
  }, out, context((e) => { if (e.type === 'probe-example') batches.push({ at: elapsed(), seconds: e.seconds }); }));
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  // Each example of a batch reports the batch's seconds per example; the first batch began that long before.
  const later = batches.slice(spec.batch).map((b) => b.seconds);
  const unitSeconds = later.length > 0 ? Math.min(...later) : batches[0].seconds;
  return {
    startupSeconds: batches[0].at - batches[0].seconds * spec.batch, firstRatio: batches[0].seconds / unitSeconds, unitSeconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024, load,
  };
}

async function train(spec: ScaleChildSpec): Promise<ScaleChildResult> {
  const located = locateCheckpoint(spec.modelDir, 'hf');
  const experts = Object.fromEntries(allModules(located.config).filter((m) => (ATTENTION as readonly string[]).includes(m.type)).map((m) => [m.name, spec.experts]));
  const tasks = spec.tasks.map((t) => ({ name: t.name, examples: (readDatasetSync(t.file).records as TokenizedRecord[]).map((r) => truncateTokenized(r, spec.length)) }));
  const steps: { at: number; seconds: number }[] = [];
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-scale-train-'));
  const ctx = context((e) => { if (e.type === 'train-step') steps.push({ at: elapsed(), seconds: (spec.batch * spec.length) / e.tokensPerSecond }); });
  await trainInRunFolder({
    runDir, ctx,
    settings: { maxSteps: spec.steps, microBatchSize: spec.batch, gradientAccumulation: 1, learningRate: 1e-4, weightDecay: 0, betas: [0.9, 0.999], eps: 1e-8, warmupSteps: 0, schedule: 'constant', maxGradNorm: 1, maxLength: spec.length, trainOnInputs: false, seed: 1, checkpointEvery: 1_000_000 },
    config: loraMoeConfig({ style: 'shared-a', rank: 8, alpha: 16, dropout: 0.05, targetModules: [...ATTENTION], topK: 2, balanceLossCoef: 0 }, experts),
    model: located.config, tasks, weights: tasks.map(() => 1), padId: 0,
    recompute: spec.recompute, buildLogits: logitsBuilderOf(located), openSession: (g, o) => sessionForModel(g, located, o), sessionOptions: { device: 'cpu', intraOpThreads: spec.threads, memoryArena: spec.arena, ...optimizationOf(spec), ...new LoadProgress(1).hooks(ctx) },
  });
  fs.rmSync(runDir, { recursive: true, force: true });
  const timed = steps.slice(1).map((s) => s.seconds);
  const unitSeconds = timed.length > 0 ? Math.min(...timed) : steps[0].seconds;
  return {
    startupSeconds: steps[0].at - steps[0].seconds, firstRatio: steps[0].seconds / unitSeconds, unitSeconds, tokensPerSecond: (spec.batch * spec.length) / unitSeconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024, load,
  };
}

const raw = process.env.SMOE_SCALE_SPEC;
if (raw) {
  const spec = JSON.parse(raw) as ScaleChildSpec;
  (spec.kind === 'probe' ? probe(spec) : train(spec))
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error: unknown) => { process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`); process.exitCode = 1; });
}
