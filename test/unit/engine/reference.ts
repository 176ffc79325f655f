// Plain-JS reference implementations the composite layers are compared with.

/** RoPE of one head vector at `pos` (layout as in Hugging Face `half` or llama2.c `interleaved`). */
export function ropeVector(x: number[], pos: number, theta: number, layout: 'half' | 'interleaved'): number[] {
  const d = x.length;
  const out = new Array<number>(d);
  for (let i = 0; i < d / 2; i++) {
    const angle = pos * theta ** (-(2 * i) / d);
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    const [a, b] = layout === 'half' ? [i, i + d / 2] : [2 * i, 2 * i + 1];
    out[a] = x[a] * c - x[b] * s;
    out[b] = x[a] * s + x[b] * c;
  }
  return out;
}

export interface AttentionShape {
  batch: number;
  seq: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  theta: number;
  layout: 'half' | 'interleaved';
}

/** Causal GQA attention with RoPE on flat [b, T, heads*hd] arrays; returns [b, T, nh*hd]. */
export function referenceAttention(q: Float64Array, k: Float64Array, v: Float64Array, s: AttentionShape): Float64Array {
  const { batch, seq, numHeads, numKvHeads, headDim } = s;
  const out = new Float64Array(batch * seq * numHeads * headDim);
  const head = (src: Float64Array, heads: number, b: number, t: number, h: number): number[] =>
    Array.from(src.subarray(((b * seq + t) * heads + h) * headDim, ((b * seq + t) * heads + h + 1) * headDim));
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < numHeads; h++) {
      const kvHead = Math.floor(h / (numHeads / numKvHeads));
      const keys = Array.from({ length: seq }, (_, t) => ropeVector(head(k, numKvHeads, b, t, kvHead), t, s.theta, s.layout));
      for (let t = 0; t < seq; t++) {
        const query = ropeVector(head(q, numHeads, b, t, h), t, s.theta, s.layout);
        const scores = keys.slice(0, t + 1).map((key) => dot(query, key) / Math.sqrt(headDim));
        const weights = softmax(scores);
        for (let j = 0; j <= t; j++) {
          const value = head(v, numKvHeads, b, j, kvHead);
          for (let e = 0; e < headDim; e++) out[((b * seq + t) * numHeads + h) * headDim + e] += weights[j] * value[e];
        }
      }
    }
  }
  return out;
}

/** Mean token cross-entropy over labels != -100 for logits [N, V]. */
export function referenceCrossEntropy(logits: Float64Array, labels: number[], vocab: number): number {
  let total = 0;
  let count = 0;
  labels.forEach((label, n) => {
    if (label === -100) return;
    const row = Array.from(logits.subarray(n * vocab, (n + 1) * vocab));
    const peak = Math.max(...row);
    const lse = peak + Math.log(row.reduce((acc, z) => acc + Math.exp(z - peak), 0));
    total += lse - row[label];
    count++;
  });
  return total / Math.max(count, 1);
}

export function dot(a: number[], b: number[]): number {
  return a.reduce((acc, x, i) => acc + x * b[i], 0);
}

export function softmax(xs: number[]): number[] {
  const peak = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - peak));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
