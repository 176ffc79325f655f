// Per-example squared Frobenius norms of dL_e/dW for a linear map y = x W^T, built in-graph from the
// projection input x [B, T, d_in] and the output gradient delta = dL/dy [B, T, d_out] (DESIGN.md §3.2).
import type { Graph, Tensor } from '../engine';

export type NormMethod = 'ghost' | 'direct';

/**
 * Ghost norm: ||sum_t delta_t x_t^T||^2 = sum_{t,s} (delta_t . delta_s)(x_t . x_s); never materialises dW.
 * Padded positions need no mask: their labels are -100, so delta is exactly zero there.
 */
export function ghostNormSquared(g: Graph, x: Tensor, delta: Tensor, gramX: Tensor = gram(g, x)): Tensor {
  return g.reduceSum(g.mul(gramX, gram(g, delta)), [1, 2], false);
}

/** Per-example Gram matrix a a^T [B, T, T] of a [B, T, d]; projections of the same x share it. */
export function gram(g: Graph, a: Tensor): Tensor {
  return g.matmul(a, g.transpose(a, [0, 2, 1]));
}

/** Direct form: dW_b = delta_b^T x_b [B, d_out, d_in], then the sum of its squares per example. */
export function directNormSquared(g: Graph, x: Tensor, delta: Tensor): Tensor {
  const weightGrad = g.matmul(g.transpose(delta, [0, 2, 1]), x);
  return g.reduceSum(g.mul(weightGrad, weightGrad), [1, 2], false);
}

/** Multiply-adds of each form for one example of T tokens; the probe picks the cheaper one per module. */
export function normCost(method: NormMethod, tokens: number, dIn: number, dOut: number): number {
  return method === 'ghost' ? tokens * tokens * (dIn + dOut) : tokens * dIn * dOut;
}

export function cheaperMethod(tokens: number, dIn: number, dOut: number): NormMethod {
  return normCost('ghost', tokens, dIn, dOut) <= normCost('direct', tokens, dIn, dOut) ? 'ghost' : 'direct';
}

export function normSquared(g: Graph, method: NormMethod, x: Tensor, delta: Tensor): Tensor {
  return method === 'ghost' ? ghostNormSquared(g, x, delta) : directNormSquared(g, x, delta);
}

/**
 * Optional per-example clipping (off by default): the example's gradient over all target matrices is
 * scaled by min(1, clip / ||g_e||), so each matrix's squared norm is scaled by the square of that factor.
 * `perModule[m][b]` holds example b's squared norm for module m; returns the clipped copy.
 */
export function clipPerExample(perModule: Float64Array[], clip: number | null): Float64Array[] {
  if (clip === null || perModule.length === 0) return perModule;
  const examples = perModule[0].length;
  const factors = new Float64Array(examples);
  for (let b = 0; b < examples; b++) {
    let total = 0;
    for (const values of perModule) total += values[b];
    factors[b] = total > clip * clip ? (clip * clip) / total : 1;
  }
  return perModule.map((values) => values.map((v, b) => v * factors[b]));
}
