/**
 * Sensitivity probe: seconds per example with the ghost and the direct form, and one probe example against one
 * training-style forward + backward of the frozen model (gradients w.r.t. every target weight) on the same example.
 * The cases run round-robin, so load from other work on the machine affects them alike.
 */
import * as os from 'node:os';
import { crossEntropy, EngineSession, gradients, Graph, type HostTensor } from '../../src/core/engine';
import type { EncodedExample } from '../../src/core/data';
import { MODULE_TYPES, randomModel, tinyConfig, type LoadedModel } from '../../src/core/model';
import { buildDecoder } from '../../src/core/model/decoder/decoder';
import { frozenWeights } from '../../src/core/model/decoder/weightSource';
import { decoderForward } from '../../src/core/probe/graph';
import { ProbeRunner } from '../../src/core/probe/runner';
import { methodsFor, targetsOf, type MethodChoice, type ProbeTarget } from '../../src/core/probe/targets';

const TOKENS = 128;
const REPEATS = 7;
const CONFIG = tinyConfig({ vocabSize: 4096, hiddenSize: 512, intermediateSize: 1376, numLayers: 4, numHeads: 8, numKvHeads: 4, headDim: 64, maxPositions: 512 });

interface BenchCase {
  label: string;
  examples: number;
  run(): Promise<number>;
  dispose(): Promise<void>;
}

function benchExample(seed: number): EncodedExample {
  const inputIds = Array.from({ length: TOKENS }, (_, t) => 3 + ((seed * 7919 + t * 104729) % (CONFIG.vocabSize - 3)));
  return { inputIds, labels: inputIds.map((id, t) => (t < TOKENS / 4 ? -100 : id)) };
}

const int64Row = (values: number[]): HostTensor => ({ dtype: 'int64', dims: [1, values.length], data: BigInt64Array.from(values.map(BigInt)) });

function probeCase(model: LoadedModel, targets: readonly ProbeTarget[], method: MethodChoice, batch: number): BenchCase {
  const examples = Array.from({ length: batch }, (_, b) => benchExample(b + 1));
  const methods = methodsFor(targets, method, [{ examples: batch, tokens: TOKENS }]);
  const runner = new ProbeRunner({
    forward: decoderForward(model.config, (g) => frozenWeights(g, model)), targets, methods,
    createSession: (g) => EngineSession.fromGraph(g, { device: 'cpu' }),
  });
  const label = `probe ${method}${method === 'auto' ? ` (${methods.filter((m) => m === 'ghost').length} ghost)` : ''}, batch ${batch}`;
  return { label, examples: batch, run: async () => (await runner.norms(examples))[0][0], dispose: () => runner.dispose() };
}

/** Forward, mean CE and dL/dW for every target weight (each reduced to its squared norm in-graph, to skip the copy out). */
async function trainingStyleCase(model: LoadedModel, targets: readonly ProbeTarget[]): Promise<BenchCase> {
  const g = new Graph('frozen_fwd_bwd');
  const ids = g.input('input_ids', 'int64', [1, 'seq']);
  const labels = g.input('labels', 'int64', [1, 'seq']);
  const weight = frozenWeights(g, model);
  const { logits } = buildDecoder(g, { config: model.config, weight, inputIds: ids });
  const { loss } = crossEntropy(g, logits, labels, { shift: true });
  const grads = gradients(g, loss, targets.map((t) => weight(`${t.name}.weight`)));
  g.output(g.concat(grads.map((d) => g.unsqueeze(g.reduceSum(g.mul(d, d), undefined, false), [0])), 0), 'squared_norms');
  const session = await EngineSession.fromGraph(g, { device: 'cpu' });
  const e = benchExample(1);
  const feeds = { input_ids: int64Row(e.inputIds), labels: int64Row(e.labels) };
  return {
    label: `forward+backward, dL/dW of all ${targets.length} target matrices, batch 1`, examples: 1,
    run: async () => ((await session.run(feeds)).squared_norms.data as Float32Array)[0],
    dispose: () => session.dispose(),
  };
}

/** Median milliseconds per example of each case, after one warm-up run each, measured round-robin. */
async function measure(cases: readonly BenchCase[]): Promise<{ ms: number[]; first: number[] }> {
  const first = [];
  for (const c of cases) first.push(await c.run());
  const times = cases.map((): number[] => []);
  for (let r = 0; r < REPEATS; r++) {
    for (const [i, c] of cases.entries()) {
      const start = performance.now();
      await c.run();
      times[i].push((performance.now() - start) / c.examples);
    }
  }
  return { ms: times.map((t) => t.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]), first };
}

export async function runProbeBench(): Promise<void> {
  const c = CONFIG;
  process.stdout.write(`(${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}; median of ${REPEATS} round-robin runs after a warm-up)\n`);
  process.stdout.write(`random model d=${c.hiddenSize}, ${c.numLayers} layers, ${c.numHeads} heads (${c.numKvHeads} KV, head ${c.headDim}), MLP ${c.intermediateSize}, vocab ${c.vocabSize}; T=${TOKENS} tokens per example (96 scored), all seven module types (${c.numLayers * 7} matrices)\n`);
  const model = randomModel(c, 1);
  const targets = targetsOf(c, [...MODULE_TYPES]);
  const cases = [
    ...(['ghost', 'direct', 'auto'] as const).flatMap((method) => [1, 8].map((batch) => probeCase(model, targets, method, batch))),
    await trainingStyleCase(model, targets),
  ];
  try {
    const { ms, first } = await measure(cases);
    cases.forEach((bc, i) => process.stdout.write(`${bc.label.padEnd(58)} ${(ms[i] / 1000).toFixed(4)} s/example\n`));
    const training = ms.length - 1;
    const agree = Math.abs(first[training] - first[4]) / first[training];
    process.stdout.write(`ratio one probe example / one forward+backward: ${(ms[4] / ms[training]).toFixed(2)} (auto, batch 1), ${(ms[5] / ms[training]).toFixed(2)} (auto, batch 8); `
      + `||dW||^2 of ${targets[0].name} from both agrees to ${agree.toExponential(1)}\n`);
  } finally {
    for (const bc of cases) await bc.dispose();
  }
}
