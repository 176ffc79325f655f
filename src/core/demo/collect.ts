import * as path from 'node:path';
import { allModules, parseModuleName, type ModelConfig } from '../model/config';
import { readPerExample } from '../jobs/evaluate';
import { readRunEvents, readRunRecord, type RunEvent } from '../runFolder/runFolder';
import type { ExperimentTask } from '../experiment/types';
import type { VariantAllocation } from './allocate';
import { DEMO_TARGETS } from './experimentFiles';
import type { DemoResults, SeedResult, TaskScore, VariantId, VariantResult } from './results';
import type { PerExample, SeededExamples } from '../stats';
import { meanScores, pairedComparison, scoreIntervals } from './seeds';

/** What one training seed of a variant (or the base model's evaluation, seed 0) left in its run folders. */
export interface SeedRuns {
  seed: number;
  trainEvents: RunEvent[];
  trainSeconds?: number;
  evalEvents: RunEvent[];
  evalSeconds?: number;
  perExample: PerExample;
}

export interface VariantRuns {
  allocation?: VariantAllocation;
  seeds: SeedRuns[];
}

export interface CollectInput {
  quick: boolean;
  createdAt: string;
  config: ModelConfig;
  parameters: number;
  tasks: readonly Pick<ExperimentTask, 'name'>[];
  sensitivity: Record<string, Record<string, number>>;
  timings: DemoResults['timings'];
  variants: Partial<Record<VariantId, VariantRuns>>;
}

export const VARIANT_LABELS: Record<VariantId, string> = {
  base: 'base model (no adapter)',
  vote: 'LoRA-SMoE (vote)',
  uniform: 'uniform experts',
  lora: 'plain LoRA',
};

const ORDER: VariantId[] = ['base', 'lora', 'uniform', 'vote'];

function lossCurve(events: RunEvent[]): { step: number; loss: number }[] {
  return events.flatMap((e) => (e.event === 'metric' && e.type === 'train-step' ? [{ step: e.step, loss: e.loss }] : []));
}

/** Mean throughput over the steps after the first (which includes graph and session start-up). */
function tokensPerSecond(events: RunEvent[]): number | undefined {
  const rates = events.flatMap((e) => (e.event === 'metric' && e.type === 'train-step' ? [e.tokensPerSecond] : [])).slice(1);
  return rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : undefined;
}

function scores(events: RunEvent[]): Record<string, TaskScore> {
  const out: Record<string, TaskScore> = {};
  for (const e of events) {
    if (e.event === 'metric' && e.type === 'eval-task') out[e.task] = { accuracy: e.accuracy, loss: e.loss, examples: e.examples };
  }
  return out;
}

function sumOf(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length ? known.reduce((a, b) => a + b, 0) : undefined;
}

function seedResult(runs: SeedRuns): SeedResult {
  return { seed: runs.seed, scores: scores(runs.evalEvents), trainSeconds: runs.trainSeconds, tokensPerSecond: tokensPerSecond(runs.trainEvents) };
}

/** Timings are totals over seeds; scores are means over seeds, with their intervals for trained variants. */
function variantResult(id: VariantId, runs: VariantRuns, tasks: readonly string[]): VariantResult {
  const seeds = runs.seeds.map(seedResult);
  const rates = seeds.map((s) => s.tokensPerSecond).filter((r): r is number => r !== undefined);
  return {
    id,
    label: VARIANT_LABELS[id],
    ...(runs.allocation ? { experts: runs.allocation.experts } : {}),
    totalExperts: runs.allocation?.totalExperts ?? 0,
    trainableParams: runs.allocation?.trainableParams ?? 0,
    trainSeconds: sumOf(seeds.map((s) => s.trainSeconds)),
    tokensPerSecond: rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : undefined,
    lossCurve: lossCurve(runs.seeds[0]?.trainEvents ?? []),
    scores: meanScores(seeds),
    evalSeconds: sumOf(runs.seeds.map((s) => s.evalSeconds)),
    ...(id === 'base' ? {} : { seeds, intervals: scoreIntervals(seeds, tasks) }),
  };
}

function comparisons(input: CollectInput): NonNullable<DemoResults['comparisons']> {
  const tasks = input.tasks.map((t) => t.name);
  const examples: Partial<Record<VariantId, SeededExamples[]>> = {};
  for (const [id, runs] of Object.entries(input.variants)) examples[id as VariantId] = (runs as VariantRuns).seeds;
  return (['uniform', 'lora'] as const).flatMap((b) => pairedComparison('vote', b, examples, tasks) ?? []);
}

/** Pure: the report's view model from what the runs recorded. */
export function collectResults(input: CollectInput): DemoResults {
  const modules = allModules(input.config).filter((m) => DEMO_TARGETS.includes(m.type)).map((m) => m.name);
  const sensitivity: DemoResults['sensitivity'] = {};
  for (const [task, values] of Object.entries(input.sensitivity)) {
    sensitivity[task] = Object.fromEntries(Object.entries(values).filter(([name]) => parseModuleName(name)));
  }
  return {
    title: 'LoRA-SMoE demo',
    createdAt: input.createdAt,
    quick: input.quick,
    model: { layers: input.config.numLayers, hidden: input.config.hiddenSize, heads: input.config.numHeads, vocab: input.config.vocabSize, parameters: input.parameters },
    tasks: input.tasks.map((t) => t.name),
    modules,
    sensitivity,
    timings: input.timings,
    variants: ORDER.flatMap((id) => (input.variants[id] ? [variantResult(id, input.variants[id] as VariantRuns, input.tasks.map((t) => t.name))] : [])),
    comparisons: comparisons(input),
  };
}

/** Events and timing of a run folder (absent folder: nothing). */
export function readRun(workspace: string, runDir: string | undefined): { events: RunEvent[]; seconds?: number } {
  if (!runDir) return { events: [] };
  const dir = path.resolve(workspace, runDir);
  return { events: readRunEvents(dir), seconds: readRunRecord(dir)?.timings.totalSeconds };
}

export function seedRuns(workspace: string, seed: number, trainDir: string | undefined, evalDir: string | undefined): SeedRuns {
  const train = readRun(workspace, trainDir);
  const evaluation = readRun(workspace, evalDir);
  return {
    seed, trainEvents: train.events, trainSeconds: train.seconds, evalEvents: evaluation.events, evalSeconds: evaluation.seconds,
    perExample: evalDir ? readPerExample(path.resolve(workspace, evalDir)) : {},
  };
}

