// Static shape reasoning over dims that may be symbolic.
import { Dim, Shape } from './ir';

/** Maps a possibly negative axis into [0, rank). */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

export function normalizeAxes(axes: readonly number[], rank: number): number[] {
  return axes.map((a) => normalizeAxis(a, rank)).sort((x, y) => x - y);
}

/**
 * Numpy broadcasting of two dims. Two different symbolic names are assumed equal (the runtime
 * checks); broadcasting is only detected through static 1s.
 */
function broadcastDim(a: Dim, b: Dim): Dim {
  if (a === b || b === 1) return a;
  if (a === 1) return b;
  if (typeof a === 'number' && typeof b === 'number') throw new Error(`cannot broadcast ${a} with ${b}`);
  return typeof a === 'number' ? a : b;
}

export function broadcastShapes(...shapes: Shape[]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = new Array<Dim>(rank).fill(1);
  for (const shape of shapes) {
    const pad = rank - shape.length;
    shape.forEach((d, i) => { out[pad + i] = broadcastDim(out[pad + i], d); });
  }
  return out;
}

/** Output shape of MatMul for rank >= 2 operands (batch dims broadcast). */
export function matmulShape(a: Shape, b: Shape): Dim[] {
  if (a.length < 2 || b.length < 2) throw new Error(`MatMul needs rank >= 2 operands, got [${a}] and [${b}]`);
  const ka = a[a.length - 1];
  const kb = b[b.length - 2];
  if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) {
    throw new Error(`MatMul inner dims differ: [${a}] @ [${b}]`);
  }
  const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
  return [...batch, a[a.length - 2], b[b.length - 1]];
}

/** Product of the dims when all are static, else undefined. */
export function staticSize(shape: Shape): number | undefined {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return undefined;
    n *= d;
  }
  return n;
}

/**
 * ONNX Reshape semantics (0 copies the input dim, -1 is inferred). An inferred dim that
 * cannot be computed statically gets the symbolic name `unknownName`.
 */
export function reshapeShape(input: Shape, target: readonly number[], unknownName: string): Dim[] {
  const out: Dim[] = target.map((d, i) => (d === 0 ? input[i] : d));
  const inferred = out.indexOf(-1);
  if (inferred < 0) return out;
  const known = staticSize(out.filter((_, i) => i !== inferred));
  const total = staticSize(input);
  out[inferred] = known !== undefined && total !== undefined ? total / known : unknownName;
  return out;
}

/** Axes along which `small` was broadcast to reach `big` (leading extra axes included). */
export function broadcastAxes(small: Shape, big: Shape): { leading: number[]; stretched: number[] } {
  const pad = big.length - small.length;
  const leading = Array.from({ length: pad }, (_, i) => i);
  const stretched: number[] = [];
  small.forEach((d, i) => {
    if (d === 1 && big[pad + i] !== 1) stretched.push(pad + i);
  });
  return { leading, stretched };
}

export function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => { inv[p] = i; });
  return inv;
}
