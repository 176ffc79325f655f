// `npm run bench:scale`: paper-scale model shapes (random bf16 weights, generated once into a cache folder outside
// the repository), each job measured in its own process: peak RSS, predicted peak, startup, speed, GFLOP/s.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withAllocatorEnv } from '../../../src/core/engine/allocator';
import { parseHfConfig } from '../../../src/core/model/hfConfig';
import type { ModelConfig } from '../../../src/core/model/config';
import { matmulPeakGflops } from '../train';
import { ensureCheckpoint, ensureTasks } from './checkpoint';
import type { ScaleChildResult, ScaleChildSpec } from './child';
import { predictPeak } from './predict';
import { LLAMA2_7B, QWEN25_05B, QWEN25_15B, QWEN25_3B, type ScaleShape } from './shapes';

const HELP = `usage: npm run bench:scale -- [--shapes 0.5b,1.5b,3b] [--jobs probe,train] [--llama7b] [--cache DIR] [--threads N] [--arena]
             [--recompute on|off] [--layers N] [--allocator glibc] [--optimization all] [--steps N] [--batches N]
  Probe: 2 tasks x 4 examples x 128 tokens on q/k/v/o. Train: 3 steps, micro-batch 2 x 128, 2 experts on every q/k/v/o.
  startup: seconds until the first probe batch or training step begins (loading the checkpoint, building sessions);
  first: that first batch or step's time over a steady one's (the first run of an input shape allocates tensor by tensor).
  --llama7b adds a Llama-2-7B-shaped probe at batch 1 x 128 (13 GB of disk). Jobs predicted above 4 GiB run under flock /tmp/smoe-heavy.lock.
  --recompute forces per-layer recomputation on or off (default: what the job would choose, "auto"; "rc" marks it).
  --allocator glibc runs the jobs without the allocator settings the worker and the CLI use (A/B; GLIBC_TUNABLES=glibc.malloc.hugetlb=0 drops only the huge pages).
  --optimization LEVEL opens the sessions at another graph optimization level than the jobs do (probe 'basic', training 'extended').
  --steps N runs N training steps instead of 3 (the first is not timed; the speed is the fastest of the others).
  --batches N probes N batches per task instead of 1 (more batches after the first to take the speed from).
  --layers N cuts every shape to its first N layers (its own checkpoint, e.g. qwen2.5-0.5b-4l): quick A/B checks.`;

interface Job { shape: ScaleShape; spec: Omit<ScaleChildSpec, 'modelDir' | 'tasks'> }

const SHAPES: Record<string, ScaleShape> = { '0.5b': QWEN25_05B, '1.5b': QWEN25_15B, '3b': QWEN25_3B };
const PROBE = { kind: 'probe', batch: 4, length: 128, steps: 0, experts: 0 } as const;
const TRAIN = { kind: 'train', batch: 2, length: 128, steps: 3, experts: 2 } as const;

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/**
 * Matrix FLOPs of a forward pass plus the input-gradient backward pass (no weight gradients of the frozen model).
 * The LM head runs on the scored tokens only: the second half of each bench sequence (ensureTasks).
 */
function forwardBackwardFlops(c: ModelConfig, batch: number, seq: number): number {
  const tokens = batch * seq;
  const scored = batch * (seq - seq / 2);
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  const perLayer = c.hiddenSize * (2 * q + 2 * kv) + 3 * c.hiddenSize * c.intermediateSize;
  const attention = c.numLayers * 4 * batch * seq * seq * q;
  return 2 * (2 * tokens * c.numLayers * perLayer + 2 * scored * c.hiddenSize * c.vocabSize) + 3 * attention;
}

/** Jobs predicted above this many MiB run under the machine's shared heavy-job lock (HELPERS.md: over 4 GiB). */
const LOCK_ABOVE_MIB = 4096;

function measure(child: string, job: Job, modelDir: string, tasks: ScaleChildSpec['tasks'], predictedMiB: number, threads?: number): ScaleChildResult | string {
  const optimization = flag('optimization') as ScaleChildSpec['optimization'];
  const spec: ScaleChildSpec = { ...job.spec, modelDir, tasks, threads, ...(process.argv.includes('--arena') ? { arena: true } : {}), ...(optimization ? { optimization } : {}) };
  const command = predictedMiB > LOCK_ABOVE_MIB ? ['flock', '/tmp/smoe-heavy.lock', process.execPath, child] : [process.execPath, child];
  const result = spawnSync(command[0], command.slice(1), {
    // Jobs run as the worker and the CLI run them: with the allocator setting (docs/memory.md), unless --allocator glibc.
    env: {
      ...(flag('allocator') === 'glibc' ? process.env : withAllocatorEnv(process.env)),
      SMOE_SCALE_SPEC: JSON.stringify(spec), NODE_PATH: path.join(repoRoot(), 'node_modules'),
    },
    encoding: 'utf8', maxBuffer: 1 << 26,
  });
  if (result.status !== 0) return `failed (${result.signal ?? `exit ${result.status}`}): ${result.stderr.trim().split('\n').slice(-2).join(' | ')}`;
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as ScaleChildResult;
}

function row(job: Job, config: ModelConfig, r: ScaleChildResult | string, predicted: number | undefined, peak: number): string {
  const what = `${job.shape.name} ${job.spec.kind} ${job.spec.batch}x${job.spec.length}${job.spec.recompute ? ' rc' : ''}`.padEnd(33);
  const predictedText = predicted === undefined ? '—' : (predicted / 1024).toFixed(2);
  if (typeof r === 'string') return `${what} ${'—'.padStart(8)} ${predictedText.padStart(9)}  ${r}`;
  const flops = forwardBackwardFlops(config, job.spec.batch, job.spec.length) / (job.spec.kind === 'probe' ? job.spec.batch : 1);
  const gflops = flops / r.unitSeconds / 1e9;
  const speed = job.spec.kind === 'probe' ? `${r.unitSeconds.toFixed(2)} s/example` : `${(r.tokensPerSecond ?? 0).toFixed(0)} tok/s`;
  const error = predicted === undefined ? '' : ` (${(100 * (predicted / r.peakRssMiB - 1)).toFixed(0)}%)`;
  return `${what} ${(r.peakRssMiB / 1024).toFixed(2).padStart(8)} ${(predictedText + error).padStart(9)}  ${r.startupSeconds.toFixed(1).padStart(6)} s  ${`${r.firstRatio.toFixed(1)}x`.padStart(5)}  ${speed.padStart(16)}  ${gflops.toFixed(1).padStart(6)} GFLOP/s = ${(100 * gflops / peak).toFixed(0)}% of MatMul peak`;
}

/** The first `layers` layers of a shape (same widths, vocabulary and head), in its own cache folder. */
function cutShape(shape: ScaleShape, layers: number): ScaleShape {
  if (!Number.isInteger(layers) || layers < 1) throw new Error(`--layers must be a whole number ≥ 1, got ${layers}`);
  return { ...shape, name: `${shape.name}-${layers}l`, config: { ...shape.config, num_hidden_layers: layers } };
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) return void process.stdout.write(`${HELP}\n`);
  const cache = path.resolve(flag('cache') ?? path.join(repoRoot(), '..', 'cache', 'scale'));
  const threads = flag('threads') === undefined ? undefined : Number(flag('threads'));
  const layers = flag('layers') === undefined ? undefined : Number(flag('layers'));
  const shapes = (flag('shapes') ?? '0.5b,1.5b,3b').split(',')
    .map((s) => SHAPES[s] ?? (() => { throw new Error(`unknown shape ${s}; known: ${Object.keys(SHAPES).join(', ')}`); })())
    .map((shape) => (layers === undefined ? shape : cutShape(shape, layers)));
  const kinds = (flag('jobs') ?? 'probe,train').split(',');
  const steps = flag('steps') === undefined ? TRAIN.steps : Number(flag('steps'));
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`--steps must be a whole number ≥ 2 (the first step is not timed), got ${flag('steps')}`);
  const batches = flag('batches') === undefined ? 1 : Number(flag('batches'));
  if (!Number.isInteger(batches) || batches < 1) throw new Error(`--batches must be a whole number ≥ 1, got ${flag('batches')}`);
  const jobs: Job[] = shapes.flatMap((shape) => [{ ...PROBE, batch: shape.probeBatch ?? PROBE.batch, batches }, { ...TRAIN, steps }].filter((j) => kinds.includes(j.kind)).map((spec) => ({ shape, spec })));
  if (process.argv.includes('--llama7b')) jobs.push({ shape: LLAMA2_7B, spec: { ...PROBE, batch: 1, batches } });
  const child = path.join(__dirname, 'benchScaleChild.js');
  const peak = await matmulPeakGflops();
  const log = (m: string): void => void process.stdout.write(`${m}\n`);
  log(`${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; checkpoints in ${cache}; MatMul peak ${peak.toFixed(1)} GFLOP/s`);
  const header = `${'model job batch x length (rc: recompute)'.padEnd(33)} ${'peak GiB'.padStart(8)} ${'predicted'.padStart(9)}  startup  first  ${'speed'.padStart(16)}  compute`;
  const lines = [header];
  const measured: [Job, ModelConfig, ScaleChildResult | string, number][] = [];
  for (const job of jobs) {
    const modelDir = ensureCheckpoint(cache, job.shape, log);
    const config = parseHfConfig(job.shape.config, path.join(modelDir, 'config.json'));
    const tasks = ensureTasks(cache, config.vocabSize, job.spec.kind === 'probe' ? job.spec.batch * (job.spec.batches ?? 1) : 4, job.spec.length);
    const recomputeFlag = flag('recompute');
    const { mib: predicted, recompute } = predictPeak(modelDir, { ...job.spec, ...(recomputeFlag ? { recompute: recomputeFlag === 'on' } : {}) });
    const r = measure(child, { ...job, spec: { ...job.spec, recompute } }, modelDir, tasks, predicted, threads);
    measured.push([{ ...job, spec: { ...job.spec, recompute } }, config, r, predicted]);
    lines.push(row({ ...job, spec: { ...job.spec, recompute } }, config, r, predicted, peak));
    log(lines[lines.length - 1]);
    if (typeof r !== 'string') log(`  loading (s since start): ${r.load.map(([m, s]) => `${m} @${s}`).join(', ')}`);
  }
  // On a busy machine one MatMul measurement can come out low (shares over 100 %): the table uses the better of two.
  const best = Math.max(peak, await matmulPeakGflops());
  log(`\nMatMul peak ${best.toFixed(1)} GFLOP/s (the better of the measurements before and after the jobs)`);
  log([header, ...measured.map(([job, config, r, predicted]) => row(job, config, r, predicted, best))].join('\n'));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:scale failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
