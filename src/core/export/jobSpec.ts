// job.json: everything train.py and probe.py need, resolved by smoe itself (model architecture, expert map,
// adapter and training settings, sampling weights, the adapter files' JSON) so the Python side re-derives nothing.
import { flatExpertMapText } from '../experiment/expertMap';
import type { LoadedExperiment } from '../experiment/load';
import type { ModelConfig, ModelFormat } from '../model/config';
import { adaptedModules, type AdaptedModule, type LoraMoeConfig } from '../model/adapters/config';
import { adapterConfigFile, type AdapterConfigFile } from '../model/adapters/files';
import type { ProbeSettings, TrainingSettings } from '../experiment/types';
import type { ModuleType } from '../model/config';
import { estimatePeakMemory } from '../algo/memory';

export const JOB_FILE = 'job.json';
export const JOB_FORMAT_VERSION = 1;

export interface JobTask {
  name: string;
  /** Pre-tokenized JSONL inside the job folder, untruncated (the scripts cut to maxLength). */
  file: string;
  examples: number;
}

export interface JobSpec {
  format: 'smoe-job';
  version: number;
  experiment: string;
  name: string;
  model: { path: string; format: ModelFormat; config: ModelConfig };
  tasks: JobTask[];
  weights: number[];
  padId: number;
  adapter: Pick<LoraMoeConfig, 'style' | 'rank' | 'alpha' | 'dropout' | 'topK' | 'balanceLossCoef'>;
  /** The LoraMoeConfig as a local train run records it in run.json (`config.adapter`). */
  adapterRecord: LoraMoeConfig;
  modules: AdaptedModule[];
  adapterConfig: AdapterConfigFile;
  expertsText: string;
  training: TrainingSettings;
  probe: ProbeSettings & { targetModules: ModuleType[]; trainOnInputs: boolean };
  /**
   * smoe's estimate of the float32 activations one training micro-batch keeps for the backward pass without
   * recomputation: train.py's `auto` gradient checkpointing compares it, plus the weights, with the device's memory.
   */
  memory: { activationBytes: number };
}

export interface JobSpecInputs {
  loaded: LoadedExperiment;
  model: { path: string; format: ModelFormat; config: ModelConfig };
  adapter: LoraMoeConfig;
  tasks: JobTask[];
  weights: number[];
  padId: number;
}

export function jobSpec(inputs: JobSpecInputs): JobSpec {
  const { loaded, adapter, model } = inputs;
  const { style, rank, alpha, dropout, topK, balanceLossCoef } = adapter;
  const { probe, training } = loaded.experiment;
  return {
    format: 'smoe-job',
    version: JOB_FORMAT_VERSION,
    experiment: loaded.file,
    name: loaded.name,
    model,
    tasks: inputs.tasks,
    weights: inputs.weights,
    padId: inputs.padId,
    adapter: { style, rank, alpha, dropout, topK, balanceLossCoef },
    adapterRecord: adapter,
    modules: adaptedModules(adapter, model.config),
    adapterConfig: adapterConfigFile(adapter, model.config),
    expertsText: flatExpertMapText(adapter.experts),
    training,
    probe: { ...probe, targetModules: loaded.experiment.adapter.targetModules, trainOnInputs: training.trainOnInputs },
    memory: {
      activationBytes: Math.round(estimatePeakMemory(model.config, 0, { kind: 'train', batch: training.microBatchSize, length: training.maxLength, recompute: false }).parts.activations),
    },
  };
}
