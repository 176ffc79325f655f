// Finite differences of the full decoder (attention, RoPE, SwiGLU, RMSNorm, LM head, shifted cross-entropy)
// with LoRA-MoE adapters on all seven projections: both styles, n in {1, 3}, top-k 1 and 2, float64.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossEntropy, Graph, type HostTensor, type Tensor } from '../../../src/core/engine';
import { AdapterGraph } from '../../../src/core/model/adapters/adapterGraph';
import { adaptedModules, loraMoeConfig, trainableParamsByFormula } from '../../../src/core/model/adapters/config';
import { allModules, type ModelConfig } from '../../../src/core/model/config';
import type { AdapterStyle } from '../../../src/core/experiment/types';
import { decoderLogits } from '../../../src/core/train/stopgap/decoder';
import { checkGradients, int64Tensor, randomTensor, rng } from '../engine/gradcheck';

const CONFIG: ModelConfig = {
  modelType: 'llama', vocabSize: 11, hiddenSize: 8, intermediateSize: 12, numLayers: 2, numHeads: 2, numKvHeads: 1, headDim: 4,
  rmsNormEps: 1e-6, ropeTheta: 10000, ropeLayout: 'half', tieWordEmbeddings: false, attentionBias: false, maxPositions: 16, bosTokenId: 1, eosTokenId: 2,
};

function frozenWeights(g: Graph, random: () => number): (name: string) => Tensor {
  const made = new Map<string, Tensor>();
  return (name) => {
    if (!made.has(name)) {
      const dims = weightDims(name);
      const data = name.includes('norm') ? Float64Array.from({ length: dims[0] }, () => 0.8 + 0.4 * random()) : randomTensor(dims, random, -0.5, 0.5).data;
      made.set(name, g.initializer(name, { dtype: 'float64', dims, data }));
    }
    return made.get(name) as Tensor;
  };
}

function weightDims(name: string): number[] {
  const { hiddenSize: d, intermediateSize: f, vocabSize: v } = CONFIG;
  if (name.includes('norm')) return [d];
  if (name === 'model.embed_tokens.weight' || name === 'lm_head.weight') return [v, d];
  const dims: Record<string, number[]> = { q_proj: [8, d], k_proj: [4, d], v_proj: [4, d], o_proj: [d, 8], gate_proj: [f, d], up_proj: [f, d], down_proj: [d, f] };
  return dims[/(\w+_proj)\.weight$/.exec(name)![1]];
}

async function check(style: AdapterStyle, n: number, topK: number): Promise<void> {
  const random = rng(100 + n * 10 + topK);
  const experts = Object.fromEntries(allModules(CONFIG).map((m, i) => [m.name, i % 2 === 0 ? n : 1]));
  const config = loraMoeConfig({ style, rank: 2, alpha: 4, dropout: 0, targetModules: [], topK, balanceLossCoef: style === 'independent' ? 0.05 : 0 }, experts);
  const modules = adaptedModules(config, CONFIG);
  const g = new Graph('decoder_gradcheck');
  const ids = g.input('input_ids', 'int64', [2, 5]);
  const labels = g.input('labels', 'int64', [2, 5]);
  const tokenMask = g.input('token_mask', 'float64', [2, 5]);
  const adapters = new AdapterGraph(g, config, modules, { dtype: 'float64', training: true, tokenMask });
  const logits = decoderLogits(g, ids, CONFIG, frozenWeights(g, random), (m, x, b) => adapters.apply(m, x, b));
  adapters.checkAllApplied();
  assert.equal(adapters.trainableParameterCount(), trainableParamsByFormula(config, CONFIG));
  const { loss: ce } = crossEntropy(g, logits, labels, { shift: true });
  const balance = adapters.totalBalanceLoss();
  const loss = balance ? g.add(ce, balance) : ce;
  const feeds: Record<string, HostTensor> = {
    input_ids: int64Tensor([2, 5], [1, 4, 7, 3, 9, 1, 5, 5, 2, 0]),
    labels: int64Tensor([2, 5], [-100, -100, 7, 3, 9, -100, 5, 5, 2, -100]),
    token_mask: { dtype: 'float64', dims: [2, 5], data: Float64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]) },
  };
  for (const spec of adapters.specs) feeds[spec.name] = randomTensor(spec.dims, random, -0.6, 0.6);
  const grads = await checkGradients(g, loss, feeds, [...adapters.inputs.values()], { maxProbes: 6, atol: 1e-8, rtol: 1e-6 });
  const routers = Object.keys(grads).filter((name) => name.endsWith('lora_router.weight'));
  if (n > 1) assert.ok(routers.length > 0 && routers.every((name) => grads[name].some((v) => Math.abs(v) > 1e-9)), 'router gradients are live');
}

const cases: [AdapterStyle, number, number][] = [['shared-a', 1, 1], ['shared-a', 3, 3], ['independent', 1, 1], ['independent', 3, 1], ['independent', 3, 2]];
for (const [style, n, topK] of cases) {
  test(`full decoder + adapters on all 7 projections match finite differences: ${style}, n = ${n}${style === 'independent' ? `, top-k ${topK}` : ''}`, async () => {
    await check(style, n, topK);
  });
}
