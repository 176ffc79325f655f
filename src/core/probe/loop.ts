// The probe loop: per task, batches of sampled examples through the runner, per-example clipping, sums per
// module; progress and a metric per example; stops between batches when cancelled, keeping what was done.
import type { ProbedExample } from '../algo/probeSamples';
import { chunk, type EncodedExample } from '../data';
import type { JobContext } from '../runFolder/context';
import { clipPerExample } from './norms';
import type { ProbeRunner } from './runner';
import type { ProbeTarget } from './targets';

export interface ProbeExample {
  /** Index of the record in its task file. */
  index: number;
  example: EncodedExample;
}

export interface ProbeTaskInput {
  name: string;
  examples: ProbeExample[];
}

export interface ProbeLoopOptions {
  clip: number | null;
  batchSize: number;
  /** Called after each finished task but the last with the totals so far (e.g. to save a partial file). */
  onTaskDone?: (totals: ProbeTotals) => void;
}

export interface ProbeTotals {
  /** S_t(W) per task and module (tasks with at least one example probed). */
  tasks: Record<string, Record<string, number>>;
  /** Examples probed per task. */
  examples: Record<string, number>;
  /** True when cancelled before every example was probed. */
  partial: boolean;
  /** Per task: every probed example's (clipped) value per module, in the order of the targets. */
  perExample: Record<string, ProbedExample[]>;
}

/** Sorted by length (stable) so batches pad little. */
export function batchesOf(examples: readonly ProbeExample[], batchSize: number): ProbeExample[][] {
  return chunk([...examples].sort((a, b) => a.example.inputIds.length - b.example.inputIds.length), batchSize);
}

function addBatch(sums: Float64Array, perModule: readonly Float64Array[]): void {
  perModule.forEach((values, m) => { for (const v of values) sums[m] += v; });
}

function totalsEntry(targets: readonly ProbeTarget[], sums: Float64Array): Record<string, number> {
  return Object.fromEntries(targets.map((t, m) => [t.name, sums[m]]));
}

async function probeTask(task: ProbeTaskInput, runner: ProbeRunner, targets: readonly ProbeTarget[], options: ProbeLoopOptions, ctx: JobContext, totals: ProbeTotals): Promise<boolean> {
  const sums = new Float64Array(targets.length);
  const phase = `probe ${task.name}`;
  let done = 0;
  ctx.progress({ phase, done, total: task.examples.length });
  for (const batch of batchesOf(task.examples, options.batchSize)) {
    if (ctx.signal.aborted) return false;
    const started = performance.now();
    const perModule = clipPerExample(await runner.norms(batch.map((e) => e.example)), options.clip);
    addBatch(sums, perModule);
    const rows = (totals.perExample[task.name] ??= []);
    batch.forEach(({ index }, b) => rows.push({ index, values: perModule.map((values) => values[b]) }));
    totals.tasks[task.name] = totalsEntry(targets, sums);
    const seconds = (performance.now() - started) / 1000 / batch.length;
    for (const { index } of batch) {
      totals.examples[task.name] = ++done;
      ctx.metric({ type: 'probe-example', task: task.name, index, seconds });
      ctx.progress({ phase, done, total: task.examples.length });
    }
  }
  return true;
}

/** Probes every task in order; on cancellation returns the totals so far with `partial: true`. */
export async function probeTasks(tasks: readonly ProbeTaskInput[], runner: ProbeRunner, targets: readonly ProbeTarget[], options: ProbeLoopOptions, ctx: JobContext): Promise<ProbeTotals> {
  const totals: ProbeTotals = { tasks: {}, examples: {}, partial: false, perExample: {} };
  for (const [i, task] of tasks.entries()) {
    if (!(await probeTask(task, runner, targets, options, ctx, totals))) return { ...totals, partial: true };
    if (i < tasks.length - 1) options.onTaskDone?.(totals);
  }
  return totals;
}
