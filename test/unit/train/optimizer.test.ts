import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { accumulate, AdamW, clipGradNorm, globalNorm, type ParamSet } from '../../../src/core/train/adamw';
import { learningRateAt } from '../../../src/core/train/schedule';

const settings = { betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0.01 };

test('AdamW: first step moves each weight by lr against the gradient sign, after decoupled decay', () => {
  const params: ParamSet = new Map([['w', Float32Array.from([1, -2])]]);
  const opt = new AdamW(settings, params);
  opt.step(params, new Map([['w', Float32Array.from([0.5, -3])]]), 0.1);
  const w = params.get('w') as Float32Array;
  assert.ok(Math.abs(w[0] - (1 * (1 - 0.001) - 0.1)) < 1e-6, `w0 = ${w[0]}`);
  assert.ok(Math.abs(w[1] - (-2 * (1 - 0.001) + 0.1)) < 1e-6, `w1 = ${w[1]}`);
  assert.equal(opt.state.step, 1);
});

test('AdamW: matches torch.optim.AdamW arithmetic over three steps', () => {
  const params: ParamSet = new Map([['w', Float32Array.from([0.3])]]);
  const opt = new AdamW(settings, params);
  const grads = [0.2, -0.1, 0.4];
  const lrs = [0.01, 0.02, 0.005];
  let [p, m, v] = [0.3, 0, 0];
  grads.forEach((g, k) => {
    const t = k + 1;
    p *= 1 - lrs[k] * settings.weightDecay;
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    p -= (lrs[k] / (1 - 0.9 ** t)) * m / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** t) + settings.eps);
    opt.step(params, new Map([['w', Float32Array.from([g])]]), lrs[k]);
  });
  assert.ok(Math.abs((params.get('w') as Float32Array)[0] - p) < 1e-6);
});

test('AdamW: a state without moments for a parameter is refused with its name', () => {
  const params: ParamSet = new Map([['w', new Float32Array(2)]]);
  assert.throws(() => new AdamW(settings, params, { step: 3, expAvg: new Map(), expAvgSq: new Map() }), /no moments for parameter w/);
});

test('gradient clipping scales the global norm down to the maximum and reports the norm before', () => {
  const grads: ParamSet = new Map([['a', Float32Array.from([3, 0])], ['b', Float32Array.from([4])]]);
  assert.equal(clipGradNorm(grads, 1), 5);
  assert.ok(Math.abs(globalNorm(grads) - 1) < 1e-5);
  const small: ParamSet = new Map([['a', Float32Array.from([0.3, 0.4])]]);
  assert.ok(Math.abs(clipGradNorm(small, 1) - 0.5) < 1e-7);
  assert.deepEqual([...(small.get('a') as Float32Array)], [Math.fround(0.3), Math.fround(0.4)]);
  assert.equal(clipGradNorm(grads, null), globalNorm(grads));
});

test('gradient accumulation sums with a scale', () => {
  const into: ParamSet = new Map([['a', Float32Array.from([1, 2])]]);
  accumulate(into, new Map([['a', Float32Array.from([2, 4])]]), 0.5);
  assert.deepEqual([...(into.get('a') as Float32Array)], [2, 4]);
  assert.throws(() => accumulate(into, new Map([['z', new Float32Array(1)]])), /unexpected gradient z/);
});

test('schedules: linear warm-up, then linear / cosine / constant', () => {
  const base = { learningRate: 1, warmupSteps: 4, maxSteps: 14 };
  const linear = { ...base, schedule: 'linear' as const };
  assert.deepEqual([0, 1, 2, 3].map((s) => learningRateAt(s, linear)), [0, 0.25, 0.5, 0.75]);
  assert.equal(learningRateAt(4, linear), 1);
  assert.ok(Math.abs(learningRateAt(9, linear) - 0.5) < 1e-12);
  assert.equal(learningRateAt(14, linear), 0);
  const cosine = { ...base, schedule: 'cosine' as const };
  assert.equal(learningRateAt(4, cosine), 1);
  assert.ok(Math.abs(learningRateAt(9, cosine) - 0.5) < 1e-12);
  assert.ok(learningRateAt(13, cosine) < 0.05);
  assert.equal(learningRateAt(12, { ...base, schedule: 'constant' }), 1);
  assert.equal(learningRateAt(0, { ...base, warmupSteps: 0, schedule: 'constant' }), 1);
});
