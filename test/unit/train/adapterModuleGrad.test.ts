// Finite-difference checks of one LoRA-MoE module (both styles, n in {1, 3}, top-k 1 and 2), in float64.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { Graph, HostTensor, linear } from '../../../src/core/engine';
import { AdapterGraph } from '../../../src/core/model/adapters/adapterGraph';
import { adaptedModules, loraMoeConfig, trainableParamsByFormula } from '../../../src/core/model/adapters/config';
import type { ModelConfig } from '../../../src/core/model/config';
import type { AdapterStyle } from '../../../src/core/experiment/types';
import { TINY_MODEL_CONFIG } from '../../fixtures/experiment/tinyModel';
import { checkGradients, randomTensor, rng } from '../engine/gradcheck';

const model = TINY_MODEL_CONFIG as ModelConfig;
const MODULE = 'model.layers.0.mlp.down_proj';

async function checkModule(style: AdapterStyle, experts: number, topK: number, balanceLossCoef: number): Promise<void> {
  const config = loraMoeConfig({ style, rank: 2, alpha: 4, dropout: 0, targetModules: ['down_proj'], topK, balanceLossCoef }, { [MODULE]: experts });
  const modules = adaptedModules(config, model);
  const [{ dIn, dOut }] = modules;
  const random = rng(experts * 10 + topK);
  const g = new Graph('module');
  const x = g.input('x', 'float64', [2, 3, dIn]);
  const tokenMask = g.input('token_mask', 'float64', [2, 3]);
  const w = g.initializer('w', { dtype: 'float64', dims: [dOut, dIn], data: randomTensor([dOut, dIn], random).data });
  const adapters = new AdapterGraph(g, config, modules, { dtype: 'float64', training: true, tokenMask });
  const out = adapters.apply(MODULE, x, linear(g, x, w));
  assert.equal(adapters.trainableParameterCount(), trainableParamsByFormula(config, model));
  const weights = g.constant({ dtype: 'float64', dims: [2, 3, dOut], data: randomTensor([2, 3, dOut], random, 0.5, 1.5).data });
  const balance = adapters.totalBalanceLoss();
  let loss = g.reduceSum(g.mul(g.mul(out, out), weights), undefined, false);
  if (balance) loss = g.add(loss, g.mul(balance, 50));
  const feeds: Record<string, HostTensor> = {
    x: randomTensor([2, 3, dIn], random),
    token_mask: { dtype: 'float64', dims: [2, 3], data: Float64Array.from([1, 1, 1, 1, 1, 0]) },
  };
  for (const spec of adapters.specs) feeds[spec.name] = randomTensor(spec.dims, random, -0.7, 0.7);
  const grads = await checkGradients(g, loss, feeds, [...adapters.inputs.values()], { maxProbes: 24, atol: 1e-7, rtol: 1e-6 });
  for (const [name, grad] of Object.entries(grads)) assert.ok(grad.some((v) => Math.abs(v) > 1e-6), `${name}: gradient is all zero`);
}

for (const style of ['shared-a', 'independent'] as const) {
  for (const experts of [1, 3]) {
    const topKs = style === 'independent' && experts > 1 ? [1, 2] : [2];
    for (const topK of topKs) {
      test(`module gradients match finite differences: ${style}, n = ${experts}, top-k ${topK}`, async () => {
        await checkModule(style, experts, topK, style === 'independent' ? 0.05 : 0);
      });
    }
  }
}
