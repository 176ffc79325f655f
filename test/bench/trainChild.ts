// One training configuration measured in its own process (so its peak RSS is its own): prints one JSON line.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SeededRandom, type EncodedExample } from '../../src/core/data';
import { allModules, randomModel, type ModelConfig } from '../../src/core/model';
import { loraMoeConfig } from '../../src/core/model/adapters/config';
import { logitsBuilderOf } from '../../src/core/jobs/baseModel';
import { trainInRunFolder } from '../../src/core/train/trainLoop';
import { silentReporter, type MetricEvent } from '../../src/core/runFolder/context';

export interface ChildSpec {
  model: ModelConfig;
  experts: Record<string, number>;
  rank: number;
  batch: number;
  seq: number;
  steps: number;
  warmup: number;
}

async function main(spec: ChildSpec): Promise<void> {
  const random = new SeededRandom(11);
  const examples: EncodedExample[] = Array.from({ length: 64 }, () => {
    const ids = Array.from({ length: spec.seq }, () => 3 + Math.floor(random.next() * (spec.model.vocabSize - 3)));
    return { inputIds: ids, labels: ids.map((id, i) => (i < spec.seq / 2 ? -100 : id)) };
  });
  const events: Extract<MetricEvent, { type: 'train-step' }>[] = [];
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-bench-train-'));
  await trainInRunFolder({
    runDir, ctx: { ...silentReporter, signal: new AbortController().signal, metric: (e) => { if (e.type === 'train-step') events.push(e); } },
    settings: { maxSteps: spec.warmup + spec.steps, microBatchSize: spec.batch, gradientAccumulation: 1, learningRate: 1e-4, weightDecay: 0, betas: [0.9, 0.999], eps: 1e-8, warmupSteps: 0, schedule: 'constant', maxGradNorm: 1, maxLength: spec.seq, trainOnInputs: false, seed: 1, checkpointEvery: 1_000_000 },
    config: loraMoeConfig({ style: 'shared-a', rank: spec.rank, alpha: 2 * spec.rank, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], topK: 2, balanceLossCoef: 0 }, spec.experts),
    model: spec.model, tasks: [{ name: 'bench', examples }], weights: [1], padId: 0,
    buildLogits: logitsBuilderOf(randomModel(spec.model, 7)), sessionOptions: { device: 'cpu' },
  });
  fs.rmSync(runDir, { recursive: true, force: true });
  const timed = events.slice(spec.warmup);
  const stepSeconds = timed.map((e) => (spec.batch * spec.seq) / e.tokensPerSecond).sort((a, b) => a - b)[Math.floor(timed.length / 2)];
  process.stdout.write(`${JSON.stringify({ stepSeconds, tokensPerSecond: (spec.batch * spec.seq) / stepSeconds, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

export function allAttention(model: ModelConfig): string[] {
  return allModules(model).filter((m) => ['q_proj', 'k_proj', 'v_proj', 'o_proj'].includes(m.type)).map((m) => m.name);
}

const raw = process.env.SMOE_TRAIN_BENCH_SPEC;
if (raw) main(JSON.parse(raw) as ChildSpec).catch((error: unknown) => { process.stderr.write(`${String(error)}\n`); process.exitCode = 1; });
