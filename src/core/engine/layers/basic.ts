// Small composite layers written in primitives, so they need no gradient rule of their own.
import { Graph } from '../graph';
import { Tensor } from '../ir';
import { TO_END } from '../opsShape';

/** SiLU (swish): x * sigmoid(x). */
export function silu(g: Graph, x: Tensor): Tensor {
  return g.mul(x, g.sigmoid(x));
}

/** The SwiGLU gate of LLaMA's MLP: silu(gate) * up. */
export function swiglu(g: Graph, gate: Tensor, up: Tensor): Tensor {
  return g.mul(silu(g, gate), up);
}

/** RMSNorm over the last axis: x / sqrt(mean(x^2) + eps), times `weight` when given (LLaMA's norm). */
export function rmsNorm(g: Graph, x: Tensor, weight: Tensor | undefined, eps: number): Tensor {
  const meanSquare = g.reduceMean(g.mul(x, x), [-1], true);
  const normalised = g.mul(x, g.reciprocal(g.sqrt(g.add(meanSquare, eps))));
  return weight ? g.mul(normalised, weight) : normalised;
}

/**
 * log(sum(exp(x))) along `axis`, stabilised by the max. The max is a stop-gradient: its exact
 * gradient is zero, so this saves the backward work without changing the result.
 */
export function logSumExp(g: Graph, x: Tensor, axis: number, keepdims = false): Tensor {
  const peak = g.stopGradient(g.reduceMax(x, [axis], true));
  const lse = g.add(g.log(g.reduceSum(g.exp(g.sub(x, peak)), [axis], true)), peak);
  return keepdims ? lse : g.squeeze(lse, [axis]);
}

/** Size of one axis as an int64 scalar (a constant when static). */
export function dimOf(g: Graph, x: Tensor, axis: number): Tensor {
  const a = axis < 0 ? axis + x.rank : axis;
  const d = x.shape[a];
  if (typeof d === 'number') return g.scalar(d, 'int64');
  return g.gather(g.shapeOf(x), g.scalar(a, 'int64'), 0);
}

export type WeightLayout = 'outIn' | 'inOut';

/**
 * A linear map of the last axis. `outIn` is the PyTorch/Hugging Face layout [d_out, d_in]
 * (y = x W^T); it runs as one Gemm that reads W transposed, so neither the forward nor the
 * backward pass copies or transposes a large frozen weight. `inOut` is [d_in, d_out] (y = x W).
 */
export function linear(g: Graph, x: Tensor, weight: Tensor, options: { layout?: WeightLayout; bias?: Tensor } = {}): Tensor {
  const layout = options.layout ?? 'outIn';
  let y: Tensor;
  if (layout === 'inOut') {
    y = g.matmul(x, weight);
  } else {
    const rows = g.gemm(g.flattenToMatrix(x), weight, { transB: true });
    y = x.rank === 2 ? rows : unflattenRows(g, rows, x);
  }
  return options.bias ? g.add(y, options.bias) : y;
}

/** [N, d_out] back to x's leading dims: [..., d_out]. */
function unflattenRows(g: Graph, rows: Tensor, x: Tensor): Tensor {
  const lead = x.shape.slice(0, -1);
  const dOut = rows.shape[1];
  if (typeof dOut === 'number' && lead.every((d) => typeof d === 'number')) {
    return g.reshape(rows, [...(lead as number[]), dOut]);
  }
  const leadShape = g.slice(g.shapeOf(x), { starts: [0], ends: [-1] });
  const tail = g.slice(g.shapeOf(rows), { starts: [1], ends: [TO_END] });
  return g.reshapeTo(rows, g.concat([leadShape, tail], 0), [...lead, dOut]);
}
