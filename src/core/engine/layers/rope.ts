// Rotary position embeddings in both checkpoint layouts, for any position offset (KV-cache decoding).
import { hostArrayFrom } from '../dtypes';
import { Graph } from '../graph';
import { Tensor } from '../ir';
import { dimOf } from './basic';

/**
 * `half`: Hugging Face rotate_half, pairs (i, i + d/2). `interleaved`: llama2.c / Meta, pairs (2i, 2i+1).
 * (Same type as `RopeLayout` in core/model/config.)
 */
export type RopeLayout = 'half' | 'interleaved';

export interface RopeTables {
  /** cos/sin of position * inv_freq: [T, d/2], or [batch, 1, T, d/2] for per-example positions. */
  cos: Tensor;
  sin: Tensor;
}

/** Positions offset, offset+1, ..., offset+T-1 where T is axis -2 of `x` (offset: int64 scalar, e.g. the past length). */
export function positionsFromOffset(g: Graph, offset: Tensor, x: Tensor): Tensor {
  return g.range(offset, g.add(offset, dimOf(g, x, -2)), g.scalar(1, 'int64'));
}

/**
 * cos/sin tables for int64 `positions` ([T], or [batch, T] for left-padded batches), computed in
 * the graph in `like`'s dtype with inv_freq[i] = theta^(-2i/headDim), or the given (e.g. rescaled) frequencies.
 */
export function ropeTables(g: Graph, positions: Tensor, headDim: number, theta: number, like: Tensor, inverseFrequencies?: readonly number[]): RopeTables {
  const half = headDim / 2;
  const invFreq = inverseFrequencies ?? Array.from({ length: half }, (_, i) => theta ** (-(2 * i) / headDim));
  if (invFreq.length !== half) throw new Error(`ropeTables: ${invFreq.length} inverse frequencies for head dim ${headDim}`);
  const freq = g.constant({ dtype: like.dtype, dims: [half], data: hostArrayFrom(like.dtype, invFreq) });
  let angles = g.mul(g.unsqueeze(g.cast(positions, like.dtype), [-1]), freq);
  if (positions.rank === 2) angles = g.unsqueeze(angles, [1]);
  return { cos: g.cos(angles), sin: g.sin(angles) };
}

/** Rotates x ([..., T, headDim]) by the tables, in the given layout. */
export function applyRope(g: Graph, x: Tensor, tables: RopeTables, layout: RopeLayout): Tensor {
  return layout === 'half' ? rotateHalf(g, x, tables) : rotateInterleaved(g, x, tables);
}

/** x * cos + rotate_half(x) * sin, rotate_half(x) = [-x2, x1]. */
function rotateHalf(g: Graph, x: Tensor, { cos, sin }: RopeTables): Tensor {
  const headDim = Number(x.shape[x.rank - 1]);
  const [x1, x2] = g.split(x, [headDim / 2, headDim / 2], -1);
  const rotated = g.concat([g.neg(x2), x1], -1);
  const cosFull = g.concat([cos, cos], -1);
  const sinFull = g.concat([sin, sin], -1);
  return g.add(g.mul(x, cosFull), g.mul(rotated, sinFull));
}

/** (x_2i, x_2i+1) -> (x_2i cos - x_2i+1 sin, x_2i sin + x_2i+1 cos). */
function rotateInterleaved(g: Graph, x: Tensor, { cos, sin }: RopeTables): Tensor {
  const headDim = Number(x.shape[x.rank - 1]);
  const keepLeading = new Array<number>(x.rank - 1).fill(0);
  const pairs = g.reshape(x, [...keepLeading, headDim / 2, 2]);
  const [even, odd] = g.split(pairs, [1, 1], -1);
  const c = g.unsqueeze(cos, [-1]);
  const s = g.unsqueeze(sin, [-1]);
  const outEven = g.sub(g.mul(even, c), g.mul(odd, s));
  const outOdd = g.add(g.mul(even, s), g.mul(odd, c));
  return g.reshape(g.concat([outEven, outOdd], -1), [...keepLeading, headDim]);
}
