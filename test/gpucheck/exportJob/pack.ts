// The exported-job GPU check (issue 12), packed for a GPU machine without Node.js: `npm run check:gpu:export`
// writes .gpucheck-export/ (git-ignored), then on the GPU machine `bash .gpucheck-export/run.sh OUT_DIR` runs
//  - two tiny HF jobs (independent top-2 with balance loss; shared-a) through transformers + PEFT: float32 on the GPU
//    against `smoe train` here (reference.json), then bf16 through `accelerate launch`, then the adapter loaded back
//    with load_smoe_peft against the plain-PyTorch loader;
//  - a Qwen2.5-0.5B-shaped job (weights drawn there by transformers) for tokens/s and peak GPU memory in bf16.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { exportJob, writeTinyJobs } from './tinyJobs';
import { ensureCheckpoint, ensureTasks } from '../../bench/scale/checkpoint';
import { QWEN25_05B } from '../../bench/scale/shapes';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const PACK = path.join(ROOT, '.gpucheck-export');
const CACHE = process.env.SMOE_SCALE_CACHE ?? path.resolve(ROOT, '..', 'cache', 'scale');
/** Qwen2.5-0.5B's shape, LoRA-MoE shared-a rank 8 with 2-4 experts on all seven projections; only config.json travels. */
function qwenJob(): void {
  const modelDir = ensureCheckpoint(CACHE, QWEN25_05B, (m) => process.stdout.write(`${m}\n`));
  const tasks = ensureTasks(CACHE, 151936, 64, 512);
  const dir = path.join(CACHE, 'export-gpu');
  fs.mkdirSync(dir, { recursive: true });
  const experts: Record<string, number> = {};
  const modules = ['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'self_attn.o_proj', 'mlp.gate_proj', 'mlp.up_proj', 'mlp.down_proj'];
  for (let layer = 0; layer < 24; layer++) modules.forEach((m, i) => { experts[`model.layers.${layer}.${m}`] = 2 + ((layer + i) % 3); });
  const experiment = {
    name: 'qwen05-gpu', model: { path: modelDir },
    tasks: tasks.map((t) => ({ name: t.name, train: t.file })),
    adapter: { style: 'shared-a', rank: 8, alpha: 16, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] },
    experts,
    training: { maxSteps: 14, microBatchSize: 8, gradientAccumulation: 2, learningRate: 2e-4, warmupSteps: 2, checkpointEvery: 100, maxLength: 512, seed: 1 },
  };
  const file = path.join(dir, 'qwen05.smoe.json');
  fs.writeFileSync(file, JSON.stringify(experiment, null, 2));
  const jobDir = path.join(PACK, 'qwen05');
  exportJob(file, jobDir);
  fs.mkdirSync(path.join(jobDir, 'model'));
  fs.copyFileSync(path.join(modelDir, 'config.json'), path.join(jobDir, 'model', 'config.json'));
}

async function main(): Promise<void> {
  fs.rmSync(PACK, { recursive: true, force: true });
  fs.mkdirSync(PACK, { recursive: true });
  const losses = await writeTinyJobs(PACK);
  for (const [name, l] of Object.entries(losses)) process.stdout.write(`${name}: smoe train losses ${l.map((x) => x.toFixed(5)).join(' ')}\n`);
  qwenJob();
  for (const f of ['run.sh']) fs.copyFileSync(path.join(ROOT, 'test', 'gpucheck', 'exportJob', f), path.join(PACK, f));
  const size = spawnSync('du', ['-sh', PACK], { encoding: 'utf8' }).stdout.trim();
  process.stdout.write(`wrote ${size} (the device carries at most 64 MiB)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
