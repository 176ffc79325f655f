// Workspaces for the export-job agreement test: stories260K (llama2.c) with pre-tokenized tasks, and the tiny HF
// model with LLM-Adapters text tasks from the training tests; dropout 0, clipping and accumulation exercised.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeTokenized } from '../probe/workspace';
import { writeTinyWorkspace, tinyExpertMap } from '../train/tinyWorkspace';

// eps 1e-6 rather than 1e-8: an element whose gradient is at float32 noise level (~1e-9, computed in a different op order by
// onnxruntime and torch) would otherwise get an Adam step of lr-size in either direction (measured: 1 of 688 elements, 7e-4).
const TRAINING = { eps: 1e-6, maxSteps: 7, microBatchSize: 3, gradientAccumulation: 2, learningRate: 0.02, warmupSteps: 2, weightDecay: 0.01, maxGradNorm: 0.5, checkpointEvery: 3, seed: 5 };
const PROBE = { samplesPerTask: 5, seed: 9, maxLength: 24, clip: null, method: 'auto', batchSize: 4 };

/** Experts on q, v, o, gate and down of all five layers (1-3 each). */
function storiesExpertMap(): Record<string, number> {
  const map: Record<string, number> = {};
  const modules = ['self_attn.q_proj', 'self_attn.v_proj', 'self_attn.o_proj', 'mlp.gate_proj', 'mlp.down_proj'];
  for (let layer = 0; layer < 5; layer++) modules.forEach((m, i) => { map[`model.layers.${layer}.${m}`] = 1 + ((layer + i) % 3); });
  return map;
}

/** shared-a on stories260K with two pre-tokenized tasks of different sizes (weights follow the sizes). */
export function storiesWorkspace(dir: string, modelFile: string): string {
  writeTokenized(path.join(dir, 'a.jsonl'), 13, 512, 100);
  writeTokenized(path.join(dir, 'b.jsonl'), 8, 512, 300);
  const experiment = {
    name: 'stories-export',
    model: { path: modelFile },
    tasks: [{ name: 'a', train: 'a.jsonl' }, { name: 'b', train: 'b.jsonl' }],
    adapter: { style: 'shared-a', rank: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj', 'o_proj', 'gate_proj', 'down_proj'] },
    experts: storiesExpertMap(),
    probe: PROBE,
    training: { ...TRAINING, maxLength: 20, schedule: 'cosine' },
    device: 'cpu',
    threads: 1,
  };
  const file = path.join(dir, 'stories.smoe.json');
  fs.writeFileSync(file, JSON.stringify(experiment, null, 2));
  return file;
}

/** independent (top-2 of up to 3 experts, balance loss) on the tiny HF model with text tasks and a tokenizer. */
export function tinyHfWorkspace(): string {
  return writeTinyWorkspace({
    adapter: { style: 'independent', rank: 4, alpha: 8, dropout: 0, topK: 2, balanceLossCoef: 0.05, targetModules: ['q_proj', 'v_proj', 'o_proj', 'gate_proj', 'down_proj'] },
    experts: tinyExpertMap(),
    probe: { ...PROBE, maxLength: 96 },
    training: { ...TRAINING, maxLength: 96, schedule: 'linear' },
    device: 'cpu',
    threads: 1,
  }).experimentFile;
}
