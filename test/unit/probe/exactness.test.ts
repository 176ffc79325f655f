// The probe in float64 (graphOptimizationLevel 'basic') on a tiny decoder with GQA and q/k/v biases: its values
// equal ||dL_e/dW||_F^2 of the gradient materialised w.r.t. the weights in a separate graph, agree with central
// finite differences of L_e, ghost and direct agree, batched equals one at a time; and on stories260K the float32
// job path (weights read from the .bin) matches a float64 probe of the loaded model.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { crossEntropy, EngineSession, gradients, Graph, type HostTensor } from '../../../src/core/engine';
import type { EncodedExample } from '../../../src/core/data';
import { buildDecoder, loadModel, locateCheckpoint, MODULE_TYPES, randomModel, sessionForModel, tinyConfig, type LoadedModel } from '../../../src/core/model';
import { frozenWeights } from '../../../src/core/model/decoder/weightSource';
import { decoderForward, type ProbeForward } from '../../../src/core/probe/graph';
import { ProbeRunner } from '../../../src/core/probe/runner';
import { targetsOf, type ProbeTarget } from '../../../src/core/probe/targets';
import { example, exactSession, float64WeightInputs, float64Weights, relativeError, sharedData } from './helpers';

const STORIES = path.join(sharedData() ?? '', 'models', 'stories260K', 'stories260K.bin');
const SKIP_STORIES = sharedData() && fs.existsSync(STORIES) ? false : '../shared/data/models/stories260K/stories260K.bin is absent (a fresh clone has no ../shared): skipped';
const CONFIG = tinyConfig({ vocabSize: 40, hiddenSize: 16, intermediateSize: 24, numHeads: 4, numKvHeads: 2, headDim: 4, attentionBias: true });
const MODEL = randomModel(CONFIG, 7);
const TARGETS = targetsOf(CONFIG, [...MODULE_TYPES]);
const EXAMPLES: EncodedExample[] = [example(1, 5, 40), example(2, 9, 40, 4), example(3, 3, 40, 1)];

function int64(rows: number[]): HostTensor {
  return { dtype: 'int64', dims: [1, rows.length], data: BigInt64Array.from(rows.map(BigInt)) };
}

/** L_e (mean CE over e's scored tokens) and dL_e/dW for every target, weights as float64 inputs. */
class ExplicitGradients {
  private constructor(private readonly session: EngineSession, readonly feeds: Record<string, HostTensor>) {}

  static async create(model: LoadedModel, targets: readonly ProbeTarget[]): Promise<ExplicitGradients> {
    const g = new Graph('explicit');
    const ids = g.input('input_ids', 'int64', [1, 'seq']);
    const labels = g.input('labels', 'int64', [1, 'seq']);
    const { lookup, feeds } = float64WeightInputs(g, model);
    const { logits } = buildDecoder(g, { config: model.config, weight: lookup, inputIds: ids });
    const { loss } = crossEntropy(g, logits, labels, { shift: true });
    const grads = gradients(g, loss, targets.map((t) => lookup(`${t.name}.weight`)));
    g.output(loss, 'loss');
    grads.forEach((t, m) => g.output(t, `grad_${m}`));
    return new ExplicitGradients(await exactSession(g), feeds);
  }

  async run(e: EncodedExample, weights: Record<string, HostTensor> = {}): Promise<{ loss: number; grads: Float64Array[] }> {
    const out = await this.session.run({ ...this.feeds, ...weights, input_ids: int64(e.inputIds), labels: int64(e.labels) });
    return { loss: (out.loss.data as Float64Array)[0], grads: TARGETS.map((_, m) => out[`grad_${m}`].data as Float64Array) };
  }

  /** L_e with one weight matrix replaced by W + step * direction. */
  async lossAt(e: EncodedExample, target: ProbeTarget, direction: Float64Array, step: number): Promise<number> {
    const name = `${target.name}.weight`;
    const base = this.feeds[name];
    const data = (base.data as Float64Array).map((w, i) => w + step * direction[i]);
    return (await this.run(e, { [name]: { ...base, data } })).loss;
  }

  dispose(): Promise<void> {
    return this.session.dispose();
  }
}

const squaredNorm = (v: Float64Array) => v.reduce((s, x) => s + x * x, 0);

async function probeValues(method: 'ghost' | 'direct', examples: readonly EncodedExample[]): Promise<Float64Array[]> {
  const runner = new ProbeRunner({ forward: decoderForward(CONFIG, float64Weights(MODEL)), targets: TARGETS, methods: TARGETS.map(() => method), createSession: exactSession });
  try {
    return await runner.norms(examples);
  } finally {
    await runner.dispose();
  }
}

describe('probe values in float64', () => {
  it('equal the squared Frobenius norm of the explicitly materialised per-example weight gradient (ghost and direct, batched)', async () => {
    const explicit = await ExplicitGradients.create(MODEL, TARGETS);
    const [ghost, direct] = [await probeValues('ghost', EXAMPLES), await probeValues('direct', EXAMPLES)];
    let compared = 0;
    for (const [b, e] of EXAMPLES.entries()) {
      const { grads } = await explicit.run(e);
      TARGETS.forEach((t, m) => {
        const expected = squaredNorm(grads[m]);
        assert.ok(expected > 0, `${t.name} has a gradient`);
        assert.ok(relativeError(ghost[m][b], expected) < 1e-11, `${t.name} example ${b}: ghost ${ghost[m][b]} vs ${expected}`);
        assert.ok(relativeError(direct[m][b], expected) < 1e-11, `${t.name} example ${b}: direct ${direct[m][b]} vs ${expected}`);
        compared++;
      });
    }
    assert.equal(compared, EXAMPLES.length * TARGETS.length);
    await explicit.dispose();
  });

  it('agree with central finite differences of L_e (directional derivative along the gradient, and single entries)', async () => {
    const explicit = await ExplicitGradients.create(MODEL, TARGETS);
    const e = EXAMPLES[1];
    const probed = await probeValues('ghost', [e]);
    const { grads } = await explicit.run(e);
    const h = 1e-5;
    for (const m of [0, 2, 6, 9, 13]) {
      const norm = Math.sqrt(squaredNorm(grads[m]));
      const unit = grads[m].map((v) => v / norm);
      const slope = ((await explicit.lossAt(e, TARGETS[m], unit, h)) - (await explicit.lossAt(e, TARGETS[m], unit, -h))) / (2 * h);
      assert.ok(relativeError(slope * slope, probed[m][0]) < 1e-8, `${TARGETS[m].name}: FD ${slope * slope} vs probe ${probed[m][0]}`);
      for (const i of [0, 17]) {
        const basis = new Float64Array(grads[m].length);
        basis[i] = 1;
        const entry = ((await explicit.lossAt(e, TARGETS[m], basis, h)) - (await explicit.lossAt(e, TARGETS[m], basis, -h))) / (2 * h);
        assert.ok(Math.abs(entry - grads[m][i]) < 1e-7 * (1 + Math.abs(grads[m][i])), `${TARGETS[m].name}[${i}]: FD ${entry} vs ${grads[m][i]}`);
      }
    }
    await explicit.dispose();
  });

  it('stories260K (llama2.c, interleaved RoPE): float32 values read from the .bin file match a float64 probe to 1e-4', { skip: SKIP_STORIES }, async () => {
    const located = locateCheckpoint(STORIES);
    const targets = targetsOf(located.config, [...MODULE_TYPES]);
    const examples = [example(5, 12, 512, 3), example(6, 20, 512, 8), example(7, 7, 512)];
    const run = async (forward: ProbeForward, createSession: (g: Graph) => Promise<EngineSession>) => {
      const runner = new ProbeRunner({ forward, targets, methods: targets.map(() => 'ghost'), createSession });
      try {
        return await runner.norms(examples);
      } finally {
        await runner.dispose();
      }
    };
    const fromFile = await run(decoderForward(located.config, (g) => frozenWeights(g, located)), (g) => sessionForModel(g, located, { device: 'cpu' }));
    const exact = await run(decoderForward(located.config, float64Weights(loadModel(STORIES))), exactSession);
    targets.forEach((t, m) => examples.forEach((_, b) => {
      assert.ok(relativeError(fromFile[m][b], exact[m][b]) < 1e-4, `${t.name} example ${b}: ${fromFile[m][b]} vs ${exact[m][b]}`);
    }));
  });

  it('batched equals one example at a time', async () => {
    const batched = await probeValues('ghost', EXAMPLES);
    for (const [b, e] of EXAMPLES.entries()) {
      const single = await probeValues('ghost', [e]);
      TARGETS.forEach((t, m) => assert.ok(relativeError(batched[m][b], single[m][0]) < 1e-10, `${t.name} example ${b}`));
    }
  });
});
