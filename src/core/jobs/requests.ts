import type { DeviceChoice } from '../experiment/types';

/** Options every engine job accepts (CLI flags, VS Code settings or the experiment file). */
export interface EngineOptions {
  device?: DeviceChoice;
  /** Intra-op threads; 0 or absent: onnxruntime's default. */
  threads?: number;
}

/** Training settings a run may take instead of the experiment file's ("Train with…", `smoe train --max-steps`); run.json records them. */
export interface TrainingOverrides {
  maxSteps?: number;
  learningRate?: number;
  seed?: number;
}

export const TRAINING_OVERRIDE_KEYS = ['maxSteps', 'learningRate', 'seed'] as const;

/** The overrides a request carries (absent keys left out). */
export function trainingOverridesOf(request: TrainingOverrides): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of TRAINING_OVERRIDE_KEYS) if (request[key] !== undefined) out[key] = request[key] as number;
  return out;
}

/** What a job is asked to do; the same shape for the CLI, the worker protocol and tests. */
export type JobRequest =
  | ({ kind: 'probe'; experimentFile: string; runsRoot?: string } & EngineOptions)
  | ({ kind: 'train'; experimentFile: string; runsRoot?: string; resumeRun?: string; fromCheckpoint?: string } & TrainingOverrides & EngineOptions)
  | ({ kind: 'evaluate'; experimentFile: string; runsRoot?: string; adapterRun?: string; limit?: number } & EngineOptions)
  | ({ kind: 'demo'; outDir: string; quick?: boolean } & EngineOptions)
  /** `resumeSweep`: a sweep run folder to continue; `confirmed`: more runs than sweep.maxRuns are fine. */
  | ({ kind: 'sweep'; experimentFile: string; runsRoot?: string; resumeSweep?: string; confirmed?: boolean } & EngineOptions)
  | { kind: 'export-job'; experimentFile: string; outDir: string; launcher?: 'accelerate' | 'torchrun'; deepspeed?: 'none' | 'zero2' | 'zero3' };

export type JobRequestKind = JobRequest['kind'];
