// Ops that move data around without arithmetic: reshape, transpose, (un)squeeze, concat, slice, split, expand.
import { Dim, int, ints, Shape, Tensor } from './ir';
import { OutputSpec } from './graphCore';
import { MathOps } from './opsMath';
import { broadcastShapes, normalizeAxes, normalizeAxis, reshapeShape, staticSize } from './shapes';

/** Slice end meaning "to the end of the axis". */
export const TO_END = Number.MAX_SAFE_INTEGER;

export interface SliceSpec {
  starts: readonly number[];
  ends: readonly number[];
  /** Defaults to the first `starts.length` axes. */
  axes?: readonly number[];
  /** Defaults to 1 on every axis. */
  steps?: readonly number[];
}

export class ShapeOps extends MathOps {
  /** The shape of x as a 1-D int64 tensor: a constant when static, else a Shape op. */
  /**
   * x unchanged, but computed only once `dep` exists (a Reshape whose target shape reads dep's run-time shape):
   * onnxruntime runs a node as soon as its inputs are ready, so this is how a weight's up-cast waits for its layer.
   * No effect when dep's shape is fully static (onnxruntime folds it).
   */
  after(x: Tensor, dep: Tensor): Tensor {
    const depShape = this.op('Shape', [dep], 'int64', [dep.rank]);
    const zero = this.mul(this.slice(depShape, { starts: [0], ends: [1] }), this.scalar(0, 'int64'));
    return this.reshapeTo(x, this.add(this.shapeOf(x), zero), x.shape);
  }

  shapeOf(x: Tensor): Tensor {
    if (x.isStatic) return this.int64s(x.shape as number[]);
    return this.op('Shape', [x], 'int64', [x.rank]);
  }

  /** ONNX Reshape with a constant target: 0 copies the input dim, -1 is inferred. */
  reshape(x: Tensor, target: readonly number[]): Tensor {
    const shape = reshapeShape(x.shape, target, String(this.freshDim('reshape')));
    return this.op('Reshape', [x, this.int64s(target)], x.dtype, shape);
  }

  /** Reshape to a run-time shape tensor whose value has the given (possibly symbolic) dims. */
  reshapeTo(x: Tensor, shape: Tensor, resultShape: Shape): Tensor {
    return this.op('Reshape', [x, shape], x.dtype, resultShape);
  }

  /** Reshapes x to the shape of `like` (works for symbolic dims through a Shape op). */
  reshapeLike(x: Tensor, like: Tensor): Tensor {
    if (sameShape(x.shape, like.shape)) return x;
    return this.reshapeTo(x, this.shapeOf(like), like.shape);
  }

  /** [..., k] -> [N, k], a free reshape (through a Shape op when k is symbolic). */
  flattenToMatrix(x: Tensor): Tensor {
    if (x.rank === 2) return x;
    const k = x.shape[x.rank - 1];
    if (typeof k === 'number') return this.reshape(x, [-1, k]);
    const lastDim = this.slice(this.shapeOf(x), { starts: [-1], ends: [TO_END] });
    return this.reshapeTo(x, this.concat([this.int64s([-1]), lastDim], 0), [this.freshDim('rows'), k]);
  }

  transpose(x: Tensor, perm: readonly number[]): Tensor {
    if (perm.length !== x.rank) throw new Error(`Transpose perm [${perm}] does not match rank ${x.rank} of ${x.name}`);
    return this.op('Transpose', [x], x.dtype, perm.map((p) => x.shape[p]), { perm: ints(perm) });
  }

  /** Inserts size-1 axes; `axes` index the output. */
  unsqueeze(x: Tensor, axes: readonly number[]): Tensor {
    const outRank = x.rank + axes.length;
    const sorted = normalizeAxes(axes, outRank);
    const shape: Dim[] = [];
    let next = 0;
    for (let i = 0; i < outRank; i++) shape.push(sorted.includes(i) ? 1 : x.shape[next++]);
    return this.op('Unsqueeze', [x, this.int64s(sorted)], x.dtype, shape);
  }

  /** Removes the given size-1 axes (always explicit, so the gradient can restore them). */
  squeeze(x: Tensor, axes: readonly number[]): Tensor {
    const sorted = normalizeAxes(axes, x.rank);
    const shape = x.shape.filter((_, i) => !sorted.includes(i));
    return this.op('Squeeze', [x, this.int64s(sorted)], x.dtype, shape);
  }

  concat(parts: readonly Tensor[], axis: number): Tensor {
    const a = normalizeAxis(axis, parts[0].rank);
    const sizes = parts.map((p) => p.shape[a]);
    const total = staticSize(sizes) === undefined ? this.freshDim('concat') : sizes.reduce<number>((s, d) => s + Number(d), 0);
    const shape = parts[0].shape.map((d, i) => (i === a ? total : d));
    return this.op('Concat', parts, parts[0].dtype, shape, { axis: int(a) });
  }

  slice(x: Tensor, spec: SliceSpec): Tensor {
    const axes = (spec.axes ?? spec.starts.map((_, i) => i)).map((a) => normalizeAxis(a, x.rank));
    const steps = spec.steps ?? axes.map(() => 1);
    const shape = [...x.shape];
    axes.forEach((a, i) => { shape[a] = this.slicedDim(x.shape[a], spec.starts[i], spec.ends[i], steps[i]); });
    const inputs = [x, this.int64s(spec.starts), this.int64s(spec.ends), this.int64s(axes), this.int64s(steps)];
    return this.op('Slice', inputs, x.dtype, shape);
  }

  /** Splits along `axis` into parts of the given static sizes. */
  split(x: Tensor, sizes: readonly number[], axis: number): Tensor[] {
    const a = normalizeAxis(axis, x.rank);
    const specs = sizes.map((s) => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === a ? s : d)) }));
    return this.addNode('Split', [x, this.int64s(sizes)], { axis: int(a) }, specs);
  }

  /** Splits along `axis` with sizes known only at run time; `shapes` are the parts' shapes. */
  splitBy(x: Tensor, sizes: Tensor, axis: number, shapes: readonly Shape[]): Tensor[] {
    const specs: OutputSpec[] = shapes.map((shape) => ({ dtype: x.dtype, shape }));
    return this.addNode('Split', [x, sizes], { axis: int(normalizeAxis(axis, x.rank)) }, specs);
  }

  /** Numpy-style broadcast of x against `shape` (1s in `shape` keep x's dim). */
  expand(x: Tensor, shape: readonly number[]): Tensor {
    return this.op('Expand', [x, this.int64s(shape)], x.dtype, broadcastShapes(x.shape, shape));
  }

  /** Broadcasts x to the shape of `like` (through a Shape op when symbolic). */
  expandLike(x: Tensor, like: Tensor): Tensor {
    if (sameShape(x.shape, like.shape)) return x;
    return this.op('Expand', [x, this.shapeOf(like)], x.dtype, like.shape);
  }

  private slicedDim(dim: Dim, start: number, end: number, step: number): Dim {
    if (typeof dim === 'number') return staticSliceLength(dim, start, end, step);
    if (step === 1 && start >= 0 && end >= 0 && end !== TO_END) return Math.max(0, end - start);
    return this.freshDim('slice');
  }
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Python slicing length of range(start, end, step) on an axis of `dim` elements. */
function staticSliceLength(dim: number, start: number, end: number, step: number): number {
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  const norm = (v: number): number => (v < 0 ? v + dim : v);
  if (step > 0) {
    const s = clamp(norm(start), 0, dim);
    const e = clamp(norm(end), 0, dim);
    return Math.max(0, Math.ceil((e - s) / step));
  }
  const s = clamp(norm(start), -1, dim - 1);
  const e = clamp(norm(end), -1, dim - 1);
  return Math.max(0, Math.ceil((s - e) / -step));
}
