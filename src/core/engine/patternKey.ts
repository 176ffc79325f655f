// onnxruntime plans a run's memory once per input shape (its "memory pattern": one block for all the run's tensors,
// from the second run of a shape on) and caches the plan under the XOR of every dim of every feed. Feeds of equal
// shapes cancel out: the probe's and the scorer's token ids and labels are both [batch, length], so every shape
// got key 0, the first shape's plan was kept for all of them, and every later shape ran as a first run (tensor by
// tensor, 2-3x slower) while the unused plan's block was allocated beside it. Every graph therefore has one more
// input, a zero-element float tensor [0, k], and each run feeds the k that makes the XOR a number of its own for its
// shapes (docs/memory.md, "The memory-pattern key").

/** The extra graph input (declared by buildModelProto; never read by any node). */
export const PATTERN_KEY_INPUT = 'ort_memory_pattern_key';
/** Its second dim's name in the model. */
export const PATTERN_KEY_DIM = 'pattern_key';

/** One per session: a distinct key for each distinct set of feed shapes. */
export class PatternKeys {
  private readonly keys = new Map<string, bigint>();

  /** The [0, k] feed for a run with these other feeds (by name). */
  feed(feeds: Readonly<Record<string, { dims: readonly number[] }>>): { dtype: 'float32'; dims: number[]; data: Float32Array } {
    const names = Object.keys(feeds).filter((name) => name !== PATTERN_KEY_INPUT).sort();
    const signature = names.map((name) => `${name}:${feeds[name].dims.join('x')}`).join(';');
    let key = this.keys.get(signature);
    if (key === undefined) {
      key = BigInt(this.keys.size + 1);
      this.keys.set(signature, key);
    }
    let others = 0n;
    for (const name of names) for (const dim of feeds[name].dims) others ^= BigInt(dim);
    // others ^ k (the dims of [0, k]: 0 ^ k) = key.
    return { dtype: 'float32', dims: [0, Number(others ^ key)], data: new Float32Array(0) };
  }

  /** Distinct shape sets seen so far (tests). */
  get size(): number {
    return this.keys.size;
  }
}

/** The XOR onnxruntime keys its memory patterns with (CalculateMemoryPatternsKey), for tests. */
export function ortPatternKey(feeds: Readonly<Record<string, { dims: readonly number[] }>>): bigint {
  let key = 0n;
  for (const t of Object.values(feeds)) for (const dim of t.dims) key ^= BigInt(dim);
  return key;
}
