import type { DeviceChoice } from '../experiment/types';

/** Options every engine job accepts (CLI flags, VS Code settings or the experiment file). */
export interface EngineOptions {
  device?: DeviceChoice;
  /** Intra-op threads; 0 or absent: onnxruntime's default. */
  threads?: number;
}

/** What a job is asked to do; the same shape for the CLI, the worker protocol and tests. */
export type JobRequest =
  | ({ kind: 'probe'; experimentFile: string; runsRoot?: string } & EngineOptions)
  | ({ kind: 'train'; experimentFile: string; runsRoot?: string; maxSteps?: number; resumeRun?: string } & EngineOptions)
  | ({ kind: 'evaluate'; experimentFile: string; runsRoot?: string; adapterRun?: string; limit?: number } & EngineOptions)
  | ({ kind: 'demo'; outDir: string; quick?: boolean } & EngineOptions);

export type JobRequestKind = JobRequest['kind'];
