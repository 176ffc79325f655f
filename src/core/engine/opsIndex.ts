// Indexing ops (gather/scatter/top-k), run-time shape helpers and reductions.
import { DType, hostArrayFrom } from './dtypes';
import { int, Shape, str, Tensor, tensorAttr } from './ir';
import { ShapeOps } from './opsShape';
import { normalizeAxes, normalizeAxis } from './shapes';

export type ScatterReduction = 'none' | 'add';

export class IndexOps extends ShapeOps {
  /** Rows (or slices along `axis`) of `data` picked by integer `indices` — e.g. an embedding lookup. */
  gather(data: Tensor, indices: Tensor, axis = 0): Tensor {
    const a = normalizeAxis(axis, data.rank);
    const shape = [...data.shape.slice(0, a), ...indices.shape, ...data.shape.slice(a + 1)];
    return this.op('Gather', [data, indices], data.dtype, shape, { axis: int(a) });
  }

  /** out[i][j] = data[i][indices[i][j]] along `axis`; output has the indices' shape. */
  gatherElements(data: Tensor, indices: Tensor, axis: number): Tensor {
    const a = normalizeAxis(axis, data.rank);
    return this.op('GatherElements', [data, indices], data.dtype, indices.shape, { axis: int(a) });
  }

  scatterND(data: Tensor, indices: Tensor, updates: Tensor, reduction: ScatterReduction = 'none'): Tensor {
    return this.op('ScatterND', [data, indices, updates], data.dtype, data.shape, { reduction: str(reduction) });
  }

  scatterElements(data: Tensor, indices: Tensor, updates: Tensor, axis: number, reduction: ScatterReduction = 'none'): Tensor {
    const attrs = { axis: int(normalizeAxis(axis, data.rank)), reduction: str(reduction) };
    return this.op('ScatterElements', [data, indices, updates], data.dtype, data.shape, attrs);
  }

  /** The k largest (or smallest) entries along `axis`, sorted, with their int64 indices. */
  topk(x: Tensor, k: number, axis = -1, largest = true): { values: Tensor; indices: Tensor } {
    const a = normalizeAxis(axis, x.rank);
    const shape = x.shape.map((d, i) => (i === a ? k : d));
    const attrs = { axis: int(a), largest: int(largest ? 1 : 0), sorted: int(1) };
    const [values, indices] = this.addNode('TopK', [x, this.int64s([k])], attrs, [
      { dtype: x.dtype, shape },
      { dtype: 'int64', shape },
    ]);
    return { values, indices };
  }

  /** The int64 indices [rank, n] of x's non-zero (true) entries in row-major order; n is known at run time only. */
  nonZero(x: Tensor): Tensor {
    return this.op('NonZero', [x], 'int64', [x.rank, this.freshDim('nonzero')]);
  }

  /** Integers start, start+delta, ... below limit (int64 scalars in, 1-D out). */
  range(start: Tensor, limit: Tensor, delta: Tensor): Tensor {
    return this.op('Range', [start, limit, delta], start.dtype, [this.freshDim('range')]);
  }

  /** A tensor of the run-time shape `shape` filled with `value`. */
  constantOfShape(shape: Tensor, value: number, dtype: DType, resultShape: Shape): Tensor {
    const fill = tensorAttr({ dtype, dims: [1], data: hostArrayFrom(dtype, [value]) });
    return this.op('ConstantOfShape', [shape], dtype, resultShape, { value: fill });
  }

  /** Zeros with the shape and dtype of `like`. */
  zerosLike(like: Tensor): Tensor {
    return this.constantOfShape(this.shapeOf(like), 0, like.dtype, like.shape);
  }

  /** Zero padding; `pads` is [begin_0..begin_n, end_0..end_n] as an int64 tensor. */
  pad(x: Tensor, pads: Tensor, resultShape: Shape): Tensor {
    return this.op('Pad', [x, pads], x.dtype, resultShape);
  }

  /** Element count of x as an int64 scalar. */
  size(x: Tensor): Tensor {
    return this.op('Size', [x], 'int64', []);
  }

  /** Sum over `axes` (all axes when omitted). */
  reduceSum(x: Tensor, axes?: readonly number[], keepdims = true): Tensor { return this.reduce('ReduceSum', x, axes, keepdims); }
  reduceMean(x: Tensor, axes?: readonly number[], keepdims = true): Tensor { return this.reduce('ReduceMean', x, axes, keepdims); }
  reduceMax(x: Tensor, axes?: readonly number[], keepdims = true): Tensor { return this.reduce('ReduceMax', x, axes, keepdims); }

  private reduce(opType: string, x: Tensor, axes: readonly number[] | undefined, keepdims: boolean): Tensor {
    const sorted = normalizeAxes(axes ?? x.shape.map((_, i) => i), x.rank);
    const shape = keepdims
      ? x.shape.map((d, i) => (sorted.includes(i) ? 1 : d))
      : x.shape.filter((_, i) => !sorted.includes(i));
    return this.op(opType, [x, this.int64s(sorted)], x.dtype, shape, { keepdims: int(keepdims ? 1 : 0) });
  }
}
