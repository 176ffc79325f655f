/** Named float32 tensors: the trainable parameters, their gradients or an optimiser moment. */
import type { ParamSet } from '../model/adapters/params';

export type { ParamSet };

export interface AdamWSettings {
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

/** What a checkpoint keeps of the optimiser: both moments per parameter and the step count. */
export interface AdamWState {
  step: number;
  expAvg: ParamSet;
  expAvgSq: ParamSet;
}

/**
 * AdamW (Loshchilov & Hutter) as torch.optim.AdamW: decoupled weight decay applied to the weight
 * before the Adam update, bias-corrected moments. Moments are stored in float32 like PyTorch's; each
 * element's update is computed in float64 (JS numbers) and rounded once, which makes it reproducible.
 */
export class AdamW {
  readonly state: AdamWState;

  constructor(private readonly settings: AdamWSettings, params: ParamSet, state?: AdamWState) {
    this.state = state ?? { step: 0, expAvg: zerosLike(params), expAvgSq: zerosLike(params) };
    for (const name of params.keys()) {
      if (!this.state.expAvg.has(name) || !this.state.expAvgSq.has(name)) {
        throw new Error(`optimiser state has no moments for parameter ${name}: the checkpoint belongs to a different adapter`);
      }
    }
  }

  /** One update of every parameter in place, with the learning rate of this step. */
  step(params: ParamSet, grads: ParamSet, learningRate: number): void {
    const [beta1, beta2] = this.settings.betas;
    this.state.step += 1;
    const t = this.state.step;
    const correction1 = 1 - beta1 ** t;
    const correction2Sqrt = Math.sqrt(1 - beta2 ** t);
    const stepSize = learningRate / correction1;
    const decay = 1 - learningRate * this.settings.weightDecay;
    for (const [name, p] of params) {
      const g = grads.get(name);
      if (!g) throw new Error(`no gradient for parameter ${name}`);
      const m = this.state.expAvg.get(name) as Float32Array;
      const v = this.state.expAvgSq.get(name) as Float32Array;
      for (let i = 0; i < p.length; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        const denom = Math.sqrt(v[i]) / correction2Sqrt + this.settings.eps;
        p[i] = p[i] * decay - (stepSize * m[i]) / denom;
      }
    }
  }
}

export function zerosLike(params: ParamSet): ParamSet {
  return new Map([...params].map(([name, p]) => [name, new Float32Array(p.length)]));
}

/** L2 norm of all gradients together (float64 accumulation). */
export function globalNorm(grads: ParamSet): number {
  let sum = 0;
  for (const g of grads.values()) for (let i = 0; i < g.length; i++) sum += g[i] * g[i];
  return Math.sqrt(sum);
}

/**
 * Scales every gradient by max_norm / (norm + 1e-6) when the global norm exceeds max_norm, as
 * torch.nn.utils.clip_grad_norm_. Returns the norm before clipping (what the step event reports).
 */
export function clipGradNorm(grads: ParamSet, maxNorm: number | null): number {
  const norm = globalNorm(grads);
  if (maxNorm === null || !(norm > maxNorm)) return norm;
  const scale = maxNorm / (norm + 1e-6);
  for (const g of grads.values()) for (let i = 0; i < g.length; i++) g[i] *= scale;
  return norm;
}

/** Adds `from` into `into` (gradient accumulation over micro-batches). */
export function accumulate(into: ParamSet, from: ParamSet, scale = 1): void {
  for (const [name, g] of from) {
    const target = into.get(name);
    if (!target) throw new Error(`gradient accumulation: unexpected gradient ${name}`);
    for (let i = 0; i < g.length; i++) target[i] += scale * g[i];
  }
}
