// Per-layer recomputation: the backward pass reads each decoder layer's values from a copy computed when the gradient
// reaches the layer, so no forward intermediate of a layer is read by the backward pass; the values are unchanged
// (probe norms and training gradients equal with and without it, bit for bit).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineSession, recomputeSegmentsOf, type Graph, type HostTensor, type Node, type Tensor } from '../../../src/core/engine';
import type { EncodedExample } from '../../../src/core/data';
import { MODULE_TYPES, randomModel, tinyConfig, type ModelConfig } from '../../../src/core/model';
import { adaptedModules, loraMoeConfig } from '../../../src/core/model/adapters/config';
import { buildProbeGraph, decoderForward } from '../../../src/core/probe/graph';
import { ProbeRunner } from '../../../src/core/probe/runner';
import { targetsOf } from '../../../src/core/probe/targets';
import { buildTrainGraph } from '../../../src/core/train/trainGraph';
import { allModules } from '../../../src/core/model';
import { example, exactSession, float64Weights } from '../probe/helpers';
import { int64Tensor, randomTensor, rng } from './gradcheck';
import { logitsBuilderOf } from '../../../src/core/jobs/baseModel';

const CONFIG: ModelConfig = tinyConfig({ vocabSize: 40, hiddenSize: 16, intermediateSize: 24, numLayers: 3, numHeads: 4, numKvHeads: 2, headDim: 4, attentionBias: true });
const MODEL = randomModel(CONFIG, 11);
const TARGETS = targetsOf(CONFIG, [...MODULE_TYPES]);
const EXAMPLES: EncodedExample[] = [example(1, 5, 40), example(2, 9, 40, 4), example(3, 3, 40, 1)];

/**
 * Forward tensors computed inside a segment (other than its output) that a node outside the forward pass reads
 * directly: with recomputation there must be none (the backward reads copies), without it there are many.
 */
function forwardValuesReadByBackward(g: Graph, forwardCount: number): Tensor[] {
  const inside = new Set<Tensor>(recomputeSegmentsOf(g).flatMap((segment) =>
    [...segment.nodes].flatMap((node) => node.outputs).filter((o) => o !== segment.output)));
  const read = (g.nodes.slice(forwardCount) as Node[]).flatMap((node) => node.inputs.filter((t): t is Tensor => t !== undefined && inside.has(t)));
  return [...new Set(read)];
}

/**
 * Copies that could run before the backward pass reaches their layer: nodes of a recomputed copy with no gradient
 * node among their ancestors (onnxruntime runs a node as soon as its inputs exist, so an ungated copy is computed
 * during the forward pass and its values stay alive: no memory saved).
 */
function ungatedCopies(g: Graph): string[] {
  const waits = new Map<Node, boolean>();
  const waitsForGradient = (node: Node): boolean => {
    const known = waits.get(node);
    if (known !== undefined) return known;
    waits.set(node, false);
    const result = node.name.includes('_grad') || node.inputs.some((t) => t?.producer !== undefined && waitsForGradient(t.producer));
    waits.set(node, result);
    return result;
  };
  // Copies that read only constants and parameters (static shapes, e.g. stacked expert matrices) hold no activation.
  const data = new Map<Node, boolean>();
  const readsData = (node: Node): boolean => {
    const known = data.get(node);
    if (known !== undefined) return known;
    const result = node.inputs.some((t) => t !== undefined && ((t.kind === 'input' && !t.isStatic) || (t.producer !== undefined && readsData(t.producer))));
    data.set(node, result);
    return result;
  };
  return g.nodes.filter((n) => n.name.includes('_recompute') && readsData(n) && !waitsForGradient(n)).map((n) => n.name);
}

async function probe(recompute: boolean, method: 'ghost' | 'direct'): Promise<Float64Array[]> {
  const runner = new ProbeRunner({ forward: decoderForward(CONFIG, float64Weights(MODEL), { recompute }), targets: TARGETS, methods: TARGETS.map(() => method), createSession: exactSession });
  try {
    return await runner.norms(EXAMPLES);
  } finally {
    await runner.dispose();
  }
}

describe('per-layer recomputation', () => {
  it('probe: identical per-example norms (ghost and direct, float64), and the backward reads no forward intermediate', async () => {
    for (const method of ['ghost', 'direct'] as const) {
      const [kept, recomputed] = [await probe(false, method), await probe(true, method)];
      TARGETS.forEach((t, m) => EXAMPLES.forEach((_, b) => {
        assert.ok(recomputed[m][b] > 0, `${t.name} example ${b} has a value`);
        assert.ok(Object.is(recomputed[m][b], kept[m][b]), `${method} ${t.name} example ${b}: ${recomputed[m][b]} vs ${kept[m][b]}`);
      }));
    }
    const forward = decoderForward(CONFIG, float64Weights(MODEL), { recompute: true });
    let forwardCount = 0;
    const g = buildProbeGraph((graph, ids, hook) => {
      const logits = forward(graph, ids, hook);
      forwardCount = graph.nodes.length;
      return logits;
    }, TARGETS, TARGETS.map(() => 'ghost'));
    assert.equal(recomputeSegmentsOf(g).length, CONFIG.numLayers);
    // The cross-entropy nodes come after the decoder: count them as forward too (they read only the final hidden state).
    const readAfterDecoder = forwardValuesReadByBackward(g, forwardCount);
    assert.deepEqual(readAfterDecoder.map((t) => t.name), [], 'no forward value of a recomputed layer is read after the forward pass');
    assert.ok(g.nodes.some((n) => n.name.includes('_recompute')), 'the backward pass has recomputed copies');
    assert.deepEqual(ungatedCopies(g), [], 'every recomputed copy waits for a gradient');
  });

  it("training: identical loss and adapter gradients (float32, the training logits builder, router and balance loss included)", async () => {
    {
      const experts = Object.fromEntries(allModules(CONFIG).map((m, i) => [m.name, i % 3 === 0 ? 3 : 1]));
      const config = loraMoeConfig({ style: 'independent', rank: 2, alpha: 4, dropout: 0, targetModules: [], topK: 2, balanceLossCoef: 0.05 }, experts);
      const modules = adaptedModules(config, CONFIG);
      const random = rng(5);
      let feeds: Record<string, HostTensor> | undefined;
      const results: Record<string, HostTensor>[] = [];
      for (const recompute of [false, true]) {
        const { g, gradientNames } = buildTrainGraph(config, modules, logitsBuilderOf(MODEL), { recompute });
        assert.equal(recomputeSegmentsOf(g).length, recompute ? CONFIG.numLayers : 0);
        if (recompute) assert.deepEqual(ungatedCopies(g), [], 'every recomputed copy of the training graph waits for a gradient');
        if (!feeds) {
          feeds = {
            input_ids: int64Tensor([2, 6], [1, 4, 7, 3, 9, 1, 5, 5, 2, 0, 8, 8]),
            labels: int64Tensor([2, 6], [-100, -100, 7, 3, 9, -100, 5, 5, 2, -100, 8, 8]),
            token_mask: { dtype: 'float32', dims: [2, 6], data: Float32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]) },
          };
          for (const input of g.inputs) {
            if (!(input.name in feeds)) {
              const r = randomTensor(input.shape as number[], random, -0.5, 0.5);
              feeds[input.name] = { dtype: 'float32', dims: r.dims, data: Float32Array.from(r.data as Float64Array) };
            }
          }
        }
        const session = await EngineSession.fromGraph(g, { device: 'cpu', graphOptimizationLevel: 'basic', intraOpThreads: 1 });
        try {
          const fetch = ['loss', ...gradientNames.values()];
          results.push(await session.run(feeds, fetch));
        } finally {
          await session.dispose();
        }
      }
      const [kept, recomputed] = results;
      let compared = 0;
      for (const name of Object.keys(kept)) {
        const [a, b] = [kept[name].data as Float32Array, recomputed[name].data as Float32Array];
        assert.equal(a.length, b.length, name);
        a.forEach((v, i) => assert.ok(Object.is(v, b[i]), `${name}[${i}]: ${b[i]} vs ${v}`));
        compared += a.length;
      }
      assert.ok(compared > 100, `${compared} values compared`);
    }
  });
});
