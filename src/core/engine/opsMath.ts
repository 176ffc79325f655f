// Element-wise math, MatMul, Softmax, comparisons and casts.
import { DType, onnxTypeCode } from './dtypes';
import { GraphCore } from './graphCore';
import { int, Tensor } from './ir';
import { broadcastShapes, matmulShape, normalizeAxis } from './shapes';

/** A tensor, or a plain number turned into a scalar constant of the other operand's dtype. */
export type Operand = Tensor | number;

export class MathOps extends GraphCore {
  add(a: Operand, b: Operand): Tensor { return this.binary('Add', a, b); }
  sub(a: Operand, b: Operand): Tensor { return this.binary('Sub', a, b); }
  mul(a: Operand, b: Operand): Tensor { return this.binary('Mul', a, b); }
  div(a: Operand, b: Operand): Tensor { return this.binary('Div', a, b); }
  pow(a: Operand, b: Operand): Tensor { return this.binary('Pow', a, b); }
  /** Element-wise maximum of two tensors (ONNX Max). */
  max(a: Operand, b: Operand): Tensor { return this.binary('Max', a, b); }
  min(a: Operand, b: Operand): Tensor { return this.binary('Min', a, b); }

  neg(x: Tensor): Tensor { return this.unary('Neg', x); }
  sqrt(x: Tensor): Tensor { return this.unary('Sqrt', x); }
  reciprocal(x: Tensor): Tensor { return this.unary('Reciprocal', x); }
  exp(x: Tensor): Tensor { return this.unary('Exp', x); }
  log(x: Tensor): Tensor { return this.unary('Log', x); }
  sigmoid(x: Tensor): Tensor { return this.unary('Sigmoid', x); }
  tanh(x: Tensor): Tensor { return this.unary('Tanh', x); }
  relu(x: Tensor): Tensor { return this.unary('Relu', x); }
  abs(x: Tensor): Tensor { return this.unary('Abs', x); }
  sin(x: Tensor): Tensor { return this.unary('Sin', x); }
  cos(x: Tensor): Tensor { return this.unary('Cos', x); }
  identity(x: Tensor): Tensor { return this.unary('Identity', x); }

  /**
   * Passes x through unchanged but blocks gradients (serialised as Identity). Used where a
   * value only stabilises a computation, like the max subtracted inside log-sum-exp.
   */
  stopGradient(x: Tensor): Tensor { return this.unary('StopGradient', x); }

  /**
   * Sum of any number of same-dtype tensors with broadcasting, as binary Adds from left to right: the same floats as
   * ONNX Sum (onnxruntime's Sum adds its inputs in that order), but onnxruntime's CPU Sum of more than two inputs
   * allocates each partial sum outside the run's memory plan, and with the job allocator settings each of those is a
   * fresh mapping faulted in 4 KiB at a time: a 9-term gradient sum at 0.5B took 20-30 ms (docs/memory.md, "Where a
   * step's time went").
   */
  sum(...terms: Tensor[]): Tensor {
    if (terms.length === 0) throw new Error('sum of no tensors');
    return terms.slice(1).reduce((total, term) => this.add(total, term), terms[0]);
  }

  /** Matrix product over the last two axes; leading (batch) axes broadcast. */
  matmul(a: Tensor, b: Tensor): Tensor {
    this.checkSameDtype('MatMul', a, b);
    return this.op('MatMul', [a, b], a.dtype, matmulShape(a.shape, b.shape));
  }

  /**
   * 2-D product with optional transposes (ONNX Gemm, no bias). The transposes are free: the kernel
   * reads operands transposed, so no copy of a large frozen weight is made.
   */
  gemm(a: Tensor, b: Tensor, options: { transA?: boolean; transB?: boolean } = {}): Tensor {
    this.checkSameDtype('Gemm', a, b);
    if (a.rank !== 2 || b.rank !== 2) throw new Error(`Gemm needs 2-D operands, got ${a.name} [${a.shape}] and ${b.name} [${b.shape}]`);
    const m = options.transA ? a.shape[1] : a.shape[0];
    const n = options.transB ? b.shape[0] : b.shape[1];
    const attrs = { transA: int(options.transA ? 1 : 0), transB: int(options.transB ? 1 : 0) };
    return this.op('Gemm', [a, b], a.dtype, [m, n], attrs);
  }

  softmax(x: Tensor, axis = -1): Tensor {
    this.requireFloat(x, 'Softmax');
    return this.op('Softmax', [x], x.dtype, x.shape, { axis: int(normalizeAxis(axis, x.rank)) });
  }

  /** Clamps to [lo, hi]; either bound may be omitted. */
  clip(x: Tensor, lo?: number, hi?: number): Tensor {
    const bounds = [lo, hi].map((v) => (v === undefined ? undefined : this.scalar(v, x)));
    return this.op('Clip', [x, ...bounds], x.dtype, x.shape);
  }

  /** cond ? a : b, broadcasting all three. */
  where(cond: Tensor, a: Operand, b: Operand): Tensor {
    const [ta, tb] = this.operands(a, b);
    this.checkSameDtype('Where', ta, tb);
    // the values lead the shape inference so that their symbolic dims name the result
    return this.op('Where', [cond, ta, tb], ta.dtype, broadcastShapes(ta.shape, tb.shape, cond.shape));
  }

  cast(x: Tensor, to: DType): Tensor {
    if (x.dtype === to) return x;
    return this.op('Cast', [x], to, x.shape, { to: int(onnxTypeCode(to)) });
  }

  equal(a: Operand, b: Operand): Tensor { return this.compare('Equal', a, b); }
  greater(a: Operand, b: Operand): Tensor { return this.compare('Greater', a, b); }
  less(a: Operand, b: Operand): Tensor { return this.compare('Less', a, b); }
  greaterOrEqual(a: Operand, b: Operand): Tensor { return this.compare('GreaterOrEqual', a, b); }
  lessOrEqual(a: Operand, b: Operand): Tensor { return this.compare('LessOrEqual', a, b); }
  and(a: Tensor, b: Tensor): Tensor { return this.compare('And', a, b); }
  not(x: Tensor): Tensor { return this.op('Not', [x], 'bool', x.shape); }

  protected unary(opType: string, x: Tensor): Tensor {
    return this.op(opType, [x], x.dtype, x.shape);
  }

  protected binary(opType: string, a: Operand, b: Operand): Tensor {
    const [ta, tb] = this.operands(a, b);
    this.checkSameDtype(opType, ta, tb);
    return this.op(opType, [ta, tb], ta.dtype, broadcastShapes(ta.shape, tb.shape));
  }

  private compare(opType: string, a: Operand, b: Operand): Tensor {
    const [ta, tb] = this.operands(a, b);
    this.checkSameDtype(opType, ta, tb);
    return this.op(opType, [ta, tb], 'bool', broadcastShapes(ta.shape, tb.shape));
  }

  /** Turns number operands into scalars of the tensor operand's dtype. */
  protected operands(a: Operand, b: Operand): [Tensor, Tensor] {
    if (typeof a === 'number' && typeof b === 'number') throw new Error('at least one operand must be a tensor');
    const ta = typeof a === 'number' ? this.scalar(a, b as Tensor) : a;
    const tb = typeof b === 'number' ? this.scalar(b, ta) : b;
    return [ta, tb];
  }

  protected checkSameDtype(opType: string, a: Tensor, b: Tensor): void {
    if (a.dtype !== b.dtype) {
      throw new Error(`${opType}: operand dtypes differ (${a.name}: ${a.dtype}, ${b.name}: ${b.dtype}); cast one first`);
    }
  }
}
