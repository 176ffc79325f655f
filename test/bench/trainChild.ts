// One training configuration measured in its own process (so its peak RSS is its own): prints one JSON line.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Graph, type Tensor } from '../../src/core/engine';
import { loraMoeConfig } from '../../src/core/model/adapters/config';
import { allModules, type ModelConfig } from '../../src/core/model/config';
import type { EncodedExample } from '../../src/core/train/batch';
import { deriveSeed, TrainRandom } from '../../src/core/train/random';
import { decoderLogits } from '../../src/core/train/stopgap/decoder';
import { trainInRunFolder } from '../../src/core/train/trainLoop';
import { silentReporter, type MetricEvent } from '../../src/core/jobs/context';

export interface ChildSpec {
  model: ModelConfig;
  experts: Record<string, number>;
  rank: number;
  batch: number;
  seq: number;
  steps: number;
  warmup: number;
}

function weights(config: ModelConfig): (g: Graph) => (name: string) => Tensor {
  const cache = new Map<string, Float32Array>();
  return (g) => {
    const made = new Map<string, Tensor>();
    return (name) => {
      if (made.has(name)) return made.get(name) as Tensor;
      const dims = shapeOf(config, name);
      const size = dims.reduce((a, b) => a * b, 1);
      if (!cache.has(name)) {
        const random = new TrainRandom(deriveSeed(7, name.length, size));
        cache.set(name, Float32Array.from({ length: size }, () => (name.includes('norm') ? 1 : (2 * random.next() - 1) / Math.sqrt(dims[dims.length - 1]))));
      }
      const t = g.initializer(name, { dtype: 'float32', dims, data: cache.get(name) as Float32Array });
      made.set(name, t);
      return t;
    };
  };
}

function shapeOf(c: ModelConfig, name: string): number[] {
  if (name.includes('norm')) return [c.hiddenSize];
  if (name === 'model.embed_tokens.weight' || name === 'lm_head.weight') return [c.vocabSize, c.hiddenSize];
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  const d = c.hiddenSize;
  const f = c.intermediateSize;
  const dims: Record<string, number[]> = { q_proj: [q, d], k_proj: [kv, d], v_proj: [kv, d], o_proj: [d, q], gate_proj: [f, d], up_proj: [f, d], down_proj: [d, f] };
  return dims[/(\w+_proj)\.weight$/.exec(name)![1]];
}

async function main(spec: ChildSpec): Promise<void> {
  const random = new TrainRandom(11);
  const examples: EncodedExample[] = Array.from({ length: 64 }, () => {
    const ids = Array.from({ length: spec.seq }, () => 3 + Math.floor(random.next() * (spec.model.vocabSize - 3)));
    return { inputIds: ids, labels: ids.map((id, i) => (i < spec.seq / 2 ? -100 : id)) };
  });
  const events: Extract<MetricEvent, { type: 'train-step' }>[] = [];
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-bench-train-'));
  const weightsFor = weights(spec.model);
  await trainInRunFolder({
    runDir, ctx: { ...silentReporter, signal: new AbortController().signal, metric: (e) => { if (e.type === 'train-step') events.push(e); } },
    settings: { maxSteps: spec.warmup + spec.steps, microBatchSize: spec.batch, gradientAccumulation: 1, learningRate: 1e-4, weightDecay: 0, betas: [0.9, 0.999], eps: 1e-8, warmupSteps: 0, schedule: 'constant', maxGradNorm: 1, maxLength: spec.seq, trainOnInputs: false, seed: 1, checkpointEvery: 1_000_000 },
    config: loraMoeConfig({ style: 'shared-a', rank: spec.rank, alpha: 2 * spec.rank, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], topK: 2, balanceLossCoef: 0 }, spec.experts),
    model: spec.model, tasks: [{ name: 'bench', examples }], weights: [1], padId: 0,
    buildLogits: (g, ids, hook) => decoderLogits(g, ids, spec.model, weightsFor(g), hook), sessionOptions: { device: 'cpu' },
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
