// One probe from a plan and its loaded inputs to a sensitivity.json (DESIGN.md §3.2): probe every task, write
// atomically (after each task too, marked partial), and hand back what the job records.
import * as os from 'node:os';
import { planJobMemory, type RecomputeSetting } from '../algo/memory';
import * as path from 'node:path';
import { PROBE_SAMPLES_FILE, writeProbeSamples } from '../algo/probeSamples';
import { writeSensitivity } from '../algo/sensitivity';
import type { SensitivityTable } from '../algo/types';
import { batchWidth, longestOf, paddedLength, picksScoredRows } from '../data';
import type { EngineSessionOptions } from '../engine';
import type { JobContext } from '../runFolder/context';
import { checkSlidingWindow, type ModuleType } from '../model/config';
import { storedWeightBytes, type LocatedCheckpoint } from '../model/load';
import { sessionForModel } from '../model/decoder/sessions';
import { frozenWeights } from '../model/decoder/weightSource';
import { decoderForward } from './graph';
import { batchesOf, probeTasks, type ProbeTaskInput, type ProbeTotals } from './loop';
import type { NormMethod } from './norms';
import { ProbeRunner } from './runner';
import { methodCounts, methodsFor, targetsOf, type MethodChoice, type ProbeTarget } from './targets';

export const DEFAULT_BATCH_SIZE = 8;

export interface ProbePlan {
  modules: ModuleType[];
  samplesPerTask: number;
  seed: number;
  maxLength: number;
  clip: number | null;
  method: MethodChoice;
  /** Examples per run of the graph (default 8). */
  batchSize?: number;
  engine: EngineSessionOptions;
  /** Refuse to start when the predicted peak is larger (default: the machine's memory). */
  memoryLimitBytes?: number;
  /** Recompute each layer in the backward pass instead of keeping its activations (probe.recompute; default auto). */
  recompute?: RecomputeSetting;
}

export interface ProbeOutcome {
  table: SensitivityTable;
  /** Examples probed per task. */
  examples: Record<string, number>;
  modules: number;
  seconds: number;
  /** True when cancelled: the file holds what was done, `meta.partial` is set. */
  partial: boolean;
}

interface RunFacts {
  seconds: number;
  device: string | undefined;
  methods: Record<NormMethod, number>;
}

function metaOf(plan: ProbePlan, located: LocatedCheckpoint, totals: ProbeTotals, facts: RunFacts): Record<string, unknown> {
  return {
    model: located.path,
    format: located.format,
    modules: plan.modules,
    samplesPerTask: plan.samplesPerTask,
    seed: plan.seed,
    maxLength: plan.maxLength,
    method: plan.method,
    methods: facts.methods,
    clip: plan.clip,
    batchSize: plan.batchSize ?? DEFAULT_BATCH_SIZE,
    examples: totals.examples,
    seconds: facts.seconds,
    device: facts.device ?? plan.engine.device ?? 'auto',
    ...(totals.partial ? { partial: true } : {}),
  };
}

/** One runner for the whole job: the method assignment from the shapes of every batch of every task. */
function runnerFor(plan: ProbePlan, located: LocatedCheckpoint, targets: readonly ProbeTarget[], tasks: readonly ProbeTaskInput[], batchSize: number, recompute: boolean): ProbeRunner {
  const shapes = tasks.flatMap((t) => batchesOf(t.examples, batchSize).map((b) => ({ examples: b.length, tokens: paddedLength(b.map((e) => e.example), plan.maxLength) })));
  return new ProbeRunner({
    forward: decoderForward(located.config, (g) => frozenWeights(g, located), { recompute }),
    targets,
    methods: methodsFor(targets, plan.method, shapes),
    maxLength: plan.maxLength,
    scoredRowsOnly: picksScoredRows(tasks.flatMap((t) => t.examples.map((e) => e.example))),
    // 'basic' (no fusions): the same sensitivities bit for bit at the 0.5B shape, session creation 21 -> 9 s and a
    // faster first batch (docs/memory.md, "Startup").
    createSession: (g) => sessionForModel(g, located, { graphOptimizationLevel: 'basic', ...plan.engine }),
  });
}

/**
 * Stops before any weight is loaded when the sequences outgrow a sliding window or the predicted peak outgrows
 * memory; returns whether to recompute each layer (probe.recompute, `auto` resolved by the memory estimate).
 */
function checkFits(plan: ProbePlan, located: LocatedCheckpoint, tasks: readonly ProbeTaskInput[], targets: number, batchSize: number): boolean {
  const longest = Math.max(...tasks.flatMap((t) => t.examples.map((e) => longestOf([e.example]))));
  if (!Number.isFinite(longest)) return plan.recompute === true;
  // Pads follow every real token, so only real tokens meet the window; the memory is the padded batch's.
  checkSlidingWindow(located.config, longest, 'probe.maxLength');
  const length = batchWidth(longest, plan.maxLength);
  const batch = Math.min(batchSize, Math.max(...tasks.map((t) => t.examples.length)));
  const limit = plan.memoryLimitBytes ?? os.totalmem();
  const job = { kind: 'probe' as const, batch, length, targets };
  const { recompute, refusal } = planJobMemory(located.config, storedWeightBytes(located), job, plan.recompute, limit, {
    batch: 'probe.batchSize (--batch-size)', length: 'probe.maxLength (--max-length)', recompute: 'probe.recompute',
  });
  if (refusal) throw new Error(`${located.path}: ${refusal}`);
  return recompute;
}

/** The checkpoint (headers only; weights stay in their files) and each task's sampled, encoded examples. */
export interface ProbeInputs {
  located: LocatedCheckpoint;
  tasks: ProbeTaskInput[];
}

/** Runs the probe and writes `outFile`; on cancellation the file holds the examples done and `partial` is true. */
export async function probeToFile(plan: ProbePlan, inputs: ProbeInputs, outFile: string, ctx: JobContext): Promise<ProbeOutcome> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const { located, tasks } = inputs;
  const targets = targetsOf(located.config, plan.modules);
  const batchSize = plan.batchSize ?? DEFAULT_BATCH_SIZE;
  const recompute = checkFits(plan, located, tasks, targets.length, batchSize);
  if (recompute) ctx.log('info', `recomputing each layer in the backward pass (probe.recompute ${JSON.stringify(plan.recompute ?? 'auto')})`);
  const runner = runnerFor(plan, located, targets, tasks, batchSize, recompute);
  const tableOf = (totals: ProbeTotals): SensitivityTable => ({
    tasks: totals.tasks,
    meta: metaOf(plan, located, totals, { seconds: seconds(), device: runner.device, methods: methodCounts(runner.methods) }),
  });
  const samplesFile = path.join(path.dirname(outFile), PROBE_SAMPLES_FILE);
  const modules = targets.map((t) => t.name);
  const write = (totals: ProbeTotals, table: SensitivityTable) => {
    writeSensitivity(outFile, table);
    writeProbeSamples(samplesFile, { tasks: Object.fromEntries(Object.entries(totals.perExample).map(([task, examples]) => [task, { modules, examples }])) });
  };
  try {
    await runner.prepare();
    const onTaskDone = (sofar: ProbeTotals) => write(sofar, tableOf({ ...sofar, partial: true }));
    const totals = await probeTasks(tasks, runner, targets, { clip: plan.clip, batchSize, onTaskDone }, ctx);
    const table = tableOf(totals);
    write(totals, table);
    return { table, examples: totals.examples, modules: targets.length, seconds: seconds(), partial: totals.partial };
  } finally {
    await runner.dispose();
  }
}
