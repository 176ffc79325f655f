// The two tiny exported jobs of the exported-job checks (GPU pack and the PEFT test): the tiny HF model with text
// tasks, LoRA-MoE in both styles, dropout 0, trained by `smoe train` here for reference. Each job folder holds the
// export, the model (model/), smoe's losses (reference.json) and smoe's final adapter (smoe_adapter.safetensors).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { silentReporter } from '../../../src/core/runFolder/context';
import { runJobRequest } from '../../../src/core/dispatch/dispatch';
import { readRunEvents } from '../../../src/core/runFolder/runFolder';
import { writeTinyWorkspace, tinyExpertMap } from '../../unit/train/tinyWorkspace';
import { cliBundle } from '../../unit/cliBundle';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const TRAINING = { eps: 1e-6, maxSteps: 7, microBatchSize: 3, gradientAccumulation: 2, learningRate: 0.02, warmupSteps: 2, weightDecay: 0.01, maxGradNorm: 0.5, checkpointEvery: 3, seed: 5, maxLength: 96, schedule: 'linear' };
const TARGETS = ['q_proj', 'v_proj', 'o_proj', 'gate_proj', 'down_proj'];
export const TINY_JOBS: Readonly<Record<string, Record<string, unknown>>> = {
  'tiny-independent': { style: 'independent', topK: 2, balanceLossCoef: 0.05 },
  'tiny-shared': { style: 'shared-a' },
};

export function exportJob(experimentFile: string, outDir: string): void {
  const result = spawnSync(process.execPath, [cliBundle(ROOT), 'export-job', '--config', experimentFile, '--out', outDir], { encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') } });
  if (result.status !== 0) throw new Error(`export-job ${experimentFile}: ${result.stderr}${result.stdout}`);
}

async function writeTinyJob(packDir: string, name: string, adapter: Record<string, unknown>): Promise<number[]> {
  const ws = writeTinyWorkspace({ adapter: { rank: 4, alpha: 8, dropout: 0, targetModules: TARGETS, ...adapter }, experts: tinyExpertMap(), training: TRAINING, device: 'cpu', threads: 1 });
  const outcome = await runJobRequest({ kind: 'train', experimentFile: ws.experimentFile }, { ...silentReporter, signal: new AbortController().signal });
  const runDir = outcome.runDir as string;
  const jobDir = path.join(packDir, name);
  exportJob(ws.experimentFile, jobDir);
  fs.cpSync(ws.modelDir, path.join(jobDir, 'model'), { recursive: true });
  fs.copyFileSync(path.join(runDir, 'adapter.safetensors'), path.join(jobDir, 'smoe_adapter.safetensors'));
  const losses = readRunEvents(runDir).flatMap((e) => (e.event === 'metric' && e.type === 'train-step' ? [e.loss] : []));
  fs.writeFileSync(path.join(jobDir, 'reference.json'), JSON.stringify({ losses }, null, 2));
  return losses;
}

/** Both tiny jobs into packDir, with check.py beside them; returns smoe's losses by job. */
export async function writeTinyJobs(packDir: string): Promise<Record<string, number[]>> {
  const losses: Record<string, number[]> = {};
  for (const [name, adapter] of Object.entries(TINY_JOBS)) losses[name] = await writeTinyJob(packDir, name, adapter);
  fs.copyFileSync(path.join(ROOT, 'test', 'gpucheck', 'exportJob', 'check.py'), path.join(packDir, 'check.py'));
  return losses;
}
