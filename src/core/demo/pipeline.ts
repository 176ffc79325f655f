import * as path from 'node:path';
import { readSensitivity } from '../algo/sensitivity';
import type { JobContext } from '../runFolder/context';
import { runEvaluateJob } from '../jobs/evaluate';
import { runProbeJob } from '../jobs/probe';
import { runTrainJob } from '../jobs/train';
import type { EngineOptions } from '../jobs/requests';
import { defaultRunsRoot } from '../runFolder/runFolder';
import { allocateAll } from './allocate';
import { EXPERIMENT_FILES, type AdaptedVariant } from './experimentFiles';
import type { DemoPhase } from './phases';
import { ensureBaseModel } from './pretrain/baseModel';
import { demoModelConfig, type DemoSettings } from './settings';
import { demoTokenizer, MODEL_DIR, writeWorkspace } from './workspace';

export const ADAPTED: AdaptedVariant[] = ['vote', 'uniform', 'lora'];

export interface PipelineOptions {
  workspace: string;
  settings: DemoSettings;
  engine: EngineOptions;
  /** Called when a phase's job claims its run folder (kept in the state for resuming). */
  onRunDir: (phaseId: string, runDir: string) => void;
}

/** Progress of an inner job, tagged with the variant so each bar says what it is for. */
function tagged(ctx: JobContext, tag: string | undefined): JobContext {
  if (!tag) return ctx;
  return { ...ctx, progress: (e) => ctx.progress({ ...e, phase: `${e.phase} [${tag}]` }) };
}

function requireRunDir(runDir: string | undefined, what: string): string {
  if (!runDir) throw new Error(`the ${what} job finished without a run folder`);
  return runDir;
}

function workspacePhases(o: PipelineOptions): DemoPhase[] {
  const tokenizer = demoTokenizer();
  return [
    { id: 'workspace', label: 'write workspace (data, tokenizer, experiment files)', run: async () => ({ files: writeWorkspace(o.workspace, o.settings) }) },
    {
      id: 'pretrain',
      label: 'pre-train the base model',
      run: async (ctx) => {
        const modelDir = path.join(o.workspace, MODEL_DIR);
        const { meta, source } = await ensureBaseModel({ modelDir, settings: o.settings, tokenizer, ctx, threads: o.engine.threads, device: o.engine.device });
        ctx.log('info', `base model: ${meta.parameters.toLocaleString('en-US')} parameters, final pre-training loss ${meta.finalLoss.toFixed(3)} (${source === 'trained' ? `trained in ${meta.seconds.toFixed(1)} s` : `from the ${source}`})`);
        return { files: ['config.json', 'model.safetensors', 'demo-model.json'].map((f) => path.join(modelDir, f)), data: { source, seconds: meta.seconds } };
      },
    },
  ];
}

function probePhase(o: PipelineOptions, runsRoot: string): DemoPhase {
  return {
    id: 'probe',
    label: 'probe sensitivity',
    run: async (ctx) => {
      const request = { kind: 'probe' as const, experimentFile: path.join(o.workspace, EXPERIMENT_FILES.vote), runsRoot, ...o.engine };
      const outcome = await runProbeJob(request, ctx, (dir) => o.onRunDir('probe', dir));
      const runDir = requireRunDir(outcome.runDir, 'probe');
      return { files: [path.join(runDir, 'sensitivity.json')], runDir };
    },
  };
}

function allocatePhase(o: PipelineOptions, probeRunDir: () => string): DemoPhase {
  return {
    id: 'allocate',
    label: 'allocate experts (vote, uniform, plain LoRA at one budget)',
    run: async (ctx) => {
      const config = demoModelConfig(o.settings, demoTokenizer().vocabSize);
      const allocations = allocateAll(o.workspace, config, readSensitivity(path.join(probeRunDir(), 'sensitivity.json')));
      for (const v of ADAPTED) {
        const a = allocations[v];
        ctx.log('info', `  ${v}: ${a.totalExperts} experts on ${Object.keys(a.experts).length} modules, ${a.trainableParams.toLocaleString('en-US')} trainable parameters (LoRA rank ${a.loraRankEquivalent.toFixed(1)})`);
      }
      return { files: ADAPTED.map((v) => path.join(o.workspace, EXPERIMENT_FILES[v])), data: { allocations } };
    },
  };
}

/** Phase ids of a variant's training and evaluation with one seed. */
export const trainPhaseId = (variant: AdaptedVariant, seed: number) => `train:${variant}:${seed}`;
export const evaluatePhaseId = (variant: AdaptedVariant | 'base', seed?: number) => (seed === undefined ? `evaluate:${variant}` : `evaluate:${variant}:${seed}`);
const seedTag = (variant: AdaptedVariant, seed: number) => `${variant}, seed ${seed}`;

function trainPhase(o: PipelineOptions, variant: AdaptedVariant, seed: number, runsRoot: string): DemoPhase {
  const id = trainPhaseId(variant, seed);
  return {
    id,
    label: `train ${seedTag(variant, seed)}`,
    run: async (ctx, previous) => {
      const resumeRun = previous.startedRunDir ? path.resolve(o.workspace, previous.startedRunDir) : undefined;
      if (resumeRun) ctx.log('info', `  resuming ${resumeRun}`);
      const request = { kind: 'train' as const, experimentFile: path.join(o.workspace, EXPERIMENT_FILES[variant]), runsRoot, resumeRun, seed, ...o.engine };
      const outcome = await runTrainJob(request, tagged(ctx, seedTag(variant, seed)), (dir) => o.onRunDir(id, dir));
      const runDir = requireRunDir(outcome.runDir, 'train');
      return { files: [path.join(runDir, 'adapter.safetensors')], runDir };
    },
  };
}

function evaluatePhase(o: PipelineOptions, variant: AdaptedVariant | 'base', seed: number | undefined, runsRoot: string, trainRunDir: () => string | undefined): DemoPhase {
  const id = evaluatePhaseId(variant, seed);
  const tag = variant === 'base' || seed === undefined ? variant : seedTag(variant, seed);
  return {
    id,
    label: `evaluate ${variant === 'base' ? 'the base model' : tag}`,
    run: async (ctx) => {
      const experimentFile = path.join(o.workspace, EXPERIMENT_FILES[variant === 'base' ? 'vote' : variant]);
      const request = { kind: 'evaluate' as const, experimentFile, runsRoot, adapterRun: trainRunDir(), limit: o.settings.evaluation.limit, ...o.engine };
      const outcome = await runEvaluateJob(request, tagged(ctx, tag), (dir) => o.onRunDir(id, dir));
      const runDir = requireRunDir(outcome.runDir, 'evaluate');
      return { files: [path.join(runDir, 'eval.json')], runDir };
    },
  };
}

/** Every phase but the report, in order; `runDirOf` reads a finished phase's run folder from the state. */
export function pipelinePhases(o: PipelineOptions, runDirOf: (phaseId: string) => string | undefined): DemoPhase[] {
  const runsRoot = defaultRunsRoot(o.workspace);
  const must = (id: string) => () => requireRunDir(runDirOf(id), id);
  return [
    ...workspacePhases(o),
    probePhase(o, runsRoot),
    // Before any expert map or training run exists, so "no adapter" can only mean the base model.
    evaluatePhase(o, 'base', undefined, runsRoot, () => undefined),
    allocatePhase(o, must('probe')),
    // Seed by seed, so an interrupted demo already holds complete seeds of every variant.
    ...o.settings.seeds.flatMap((seed) => [
      ...ADAPTED.map((v) => trainPhase(o, v, seed, runsRoot)),
      ...ADAPTED.map((v) => evaluatePhase(o, v, seed, runsRoot, must(trainPhaseId(v, seed)))),
    ]),
  ];
}
