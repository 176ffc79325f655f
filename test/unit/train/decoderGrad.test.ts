// Finite differences of the model layer's decoder (attention, RoPE, SwiGLU, RMSNorm, LM head, shifted cross-entropy)
// with LoRA-MoE adapters on all seven projections through its adapt hook: both styles, n in {1, 3}, top-k 1 and 2, float64.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossEntropy, Graph, type HostTensor } from '../../../src/core/engine';
import { AdapterGraph } from '../../../src/core/model/adapters/adapterGraph';
import { adaptedModules, loraMoeConfig, trainableParamsByFormula } from '../../../src/core/model/adapters/config';
import { allModules, tinyConfig, type ModelConfig } from '../../../src/core/model';
import type { AdapterStyle } from '../../../src/core/experiment/types';
import { checkGradients, int64Tensor, randomTensor, rng } from '../engine/gradcheck';
import { decoderLogitsIn } from './toyDecoder';

/** Two layers with grouped-query attention (2 query heads share 1 key/value head). */
const CONFIG: ModelConfig = tinyConfig({
  vocabSize: 11, hiddenSize: 8, intermediateSize: 12, numLayers: 2, numHeads: 2, numKvHeads: 1, headDim: 4, rmsNormEps: 1e-6, maxPositions: 16,
});

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
  const logits = decoderLogitsIn('float64', 7, CONFIG)(g, ids, adapters.hook);
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
