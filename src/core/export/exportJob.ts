// `smoe export-job`: an experiment -> a self-contained PyTorch job folder (job.json, pre-tokenized data, the
// initial adapter, train.py/probe.py and their modules, launch files). Refuses, naming the field, what it cannot export.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoadedExperiment } from '../experiment/load';
import { loadExperiment } from '../experiment/load';
import type { EncodedExample } from '../data';
import { adaptedModules, loraMoeConfig } from '../model/adapters/config';
import { adapterParamSpecs, initialParams } from '../model/adapters/params';
import { encodeSafetensors, type WeightTensor } from '../model/safetensors';
import { expertMapOf } from '../train/expertsOf';
import { taskWeights } from '../train/sampler';
import { writeFileAtomic } from '../runFolder/runFolder';
import { loadInputs, modelSpecOf, taskFilesOf, type LoadedInputs } from '../jobs/loadInputs';
import { baseModelOf } from '../jobs/baseModel';
import { JOB_FILE, jobSpec, type JobSpec, type JobTask } from './jobSpec';
import { launchFiles, type Deepspeed, type Launcher } from './launchFiles';
import { PYTHON_SOURCES } from './pythonSources';

export const INIT_ADAPTER_FILE = 'init_adapter.safetensors';

export interface ExportOptions {
  experimentFile: string;
  outDir: string;
  launcher?: Launcher;
  deepspeed?: Deepspeed;
  warn?: (message: string) => void;
}

export interface ExportResult {
  outDir: string;
  files: string[];
  spec: JobSpec;
}

/** Encodings are written whole (up to the model's context window): train.py cuts to training.maxLength and probe.py to probe.maxLength, as smoe does. */
const UNTRUNCATED = Number.MAX_SAFE_INTEGER;

function checkTaskFiles(loaded: LoadedExperiment): void {
  loaded.experiment.tasks.forEach((task, i) => {
    const file = loaded.resolve(task.train);
    if (!fs.existsSync(file)) throw new Error(`${loaded.file}: tasks[${i}].train "${task.train}" does not exist (${file}); fix the path or add the data file`);
  });
}

function loadAll(loaded: LoadedExperiment): LoadedInputs {
  try {
    const { trainOnInputs } = loaded.experiment.training;
    return loadInputs({ model: modelSpecOf(loaded), tasks: taskFilesOf(loaded, 'train'), maxLength: UNTRUNCATED, trainOnInputs });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${loaded.file}: model.path "${loaded.experiment.model.path}" cannot be exported: ${message}. The job reads Hugging Face safetensors folders and llama2.c .bin files`);
  }
}


function jsonl(examples: readonly EncodedExample[]): string {
  return examples.map((e) => JSON.stringify({ input_ids: e.inputIds, labels: e.labels })).join('\n') + '\n';
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** Writes the job folder and returns every file written (paths inside outDir). */
export async function exportJob(options: ExportOptions): Promise<ExportResult> {
  const warn = options.warn ?? (() => undefined);
  const loaded = loadExperiment(options.experimentFile);
  checkTaskFiles(loaded);
  const inputs = loadAll(loaded);
  const model = baseModelOf(inputs);
  const adapter = loraMoeConfig(loaded.experiment.adapter, expertMapOf(loaded, model.config, warn), model.path);
  const modules = adaptedModules(adapter, model.config);
  const split = inputs.tasks.map((t) => ({ name: t.name, examples: t.examples.map((e) => e.encoded) }));
  const outDir = path.resolve(options.outDir);
  fs.mkdirSync(path.join(outDir, 'data'), { recursive: true });
  const written: Record<string, string | Uint8Array> = {};
  const tasks: JobTask[] = split.map((task, i) => {
    const file = `data/${i}-${safeName(task.name)}.jsonl`;
    written[file] = jsonl(task.examples);
    return { name: task.name, file, examples: task.examples.length };
  });
  const weights = taskWeights(tasks.map((t) => t.examples), loaded.experiment.tasks.map((t) => t.weight));
  const spec = jobSpec({ loaded, model: { path: model.path, format: inputs.located.format, config: model.config }, adapter, tasks, weights, padId: model.padId });
  const specs = adapterParamSpecs(adapter, modules);
  const init = initialParams(specs, loaded.experiment.training.seed);
  written[INIT_ADAPTER_FILE] = encodeSafetensors(new Map<string, WeightTensor>(specs.map((s) => [s.name, { dims: s.dims, data: init.get(s.name) as Float32Array }])));
  written[JOB_FILE] = JSON.stringify(spec, null, 2) + '\n';
  Object.assign(written, PYTHON_SOURCES, launchFiles(spec, options.launcher ?? 'accelerate', options.deepspeed ?? 'none'));
  for (const [name, data] of Object.entries(written)) writeFileAtomic(path.join(outDir, name), data);
  fs.chmodSync(path.join(outDir, 'launch.sh'), 0o755);
  return { outDir, files: Object.keys(written).sort(), spec };
}
