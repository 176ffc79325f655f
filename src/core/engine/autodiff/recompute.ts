// Recomputation ("gradient checkpointing") by segments. A segment is a run of forward nodes (one decoder layer)
// whose intermediate values the backward pass reads from a fresh copy of the segment, computed when the gradient
// reaches the segment's output, instead of from the forward pass: the forward values die as soon as the forward is
// done with them, and one segment's values are alive at a time in the backward pass. Values are unchanged: the copy
// runs the same ops on the same inputs (docs/memory.md).
import type { Graph } from '../graph';
import type { Node, Tensor } from '../ir';

export interface RecomputeSegment {
  /** The forward nodes of the segment. */
  nodes: ReadonlySet<Node>;
  /** The segment's main output (e.g. the layer's hidden state): the copy waits for its gradient. */
  output: Tensor;
}

const segments = new WeakMap<Graph, RecomputeSegment[]>();

/** Marks the nodes appended since `firstNode` (an index into g.nodes) as one recompute segment ending in `output`. */
export function registerRecomputeSegment(g: Graph, firstNode: number, output: Tensor): void {
  const list = segments.get(g) ?? [];
  list.push({ nodes: new Set(g.nodes.slice(firstNode)), output });
  segments.set(g, list);
}

export function recomputeSegmentsOf(g: Graph): readonly RecomputeSegment[] {
  return segments.get(g) ?? [];
}

/**
 * The backward pass's view of forward values: inside a segment, a lazily built copy of what the value needs
 * (memoised, so each node is copied at most once); `outside` maps every other value (e.g. a weight's fresh up-cast).
 * `gradientOf(output)` is the summed gradient of a segment's output, read when the segment is first copied.
 */
export function recomputer(
  g: Graph, list: readonly RecomputeSegment[], gradientOf: (t: Tensor) => Tensor | undefined, outside: (t: Tensor) => Tensor,
): (t: Tensor) => Tensor {
  const segmentOf = new Map<Node, RecomputeSegment>();
  for (const segment of list) for (const node of segment.nodes) segmentOf.set(node, segment);
  const copies = new Map<Tensor, Tensor>();
  const gates = new Map<RecomputeSegment, Tensor>();
  const gated = new Map<string, Tensor>();
  /** The segment's output gradient, once the backward pass has summed it (undefined before). */
  const gateOf = (segment: RecomputeSegment): Tensor | undefined => {
    let gate = gates.get(segment);
    if (!gate && (gate = gradientOf(segment.output))) gates.set(segment, gate);
    return gate;
  };

  /** A value from outside the segment, as the copy reads it: activations wait for the segment's gradient. */
  const boundary = (segment: RecomputeSegment, t: Tensor): Tensor => {
    const mapped = outside(t);
    if (mapped !== t || t.isStatic || (t.kind !== 'computed' && t.kind !== 'input')) return mapped;
    const gate = gateOf(segment) as Tensor; // copyOf checked it
    const key = `${list.indexOf(segment)}:${t.name}`;
    let late = gated.get(key);
    if (!late) gated.set(key, (late = g.after(t, gate)));
    return late;
  };

  const copyOf = (t: Tensor): Tensor => {
    const producer = t.producer;
    const segment = producer ? segmentOf.get(producer) : undefined;
    if (!producer || !segment) return outside(t);
    // The segment's output is the checkpoint: the next segment's copy reads it anyway, so it is never copied.
    // (Rules outside the segment read it before the backward pass reaches the segment, e.g. the final norm's.)
    if (t === segment.output) return t;
    const known = copies.get(t);
    if (known) return known;
    // Asked for before the segment's output gradient exists (nothing in the decoder does this): a copy could not
    // wait for that gradient and might run during the forward pass, so the forward value is read instead.
    if (!gateOf(segment)) return outside(t);
    const inputs = producer.inputs.map((input) => input && (input.producer && segmentOf.get(input.producer) === segment ? copyOf(input) : boundary(segment, input)));
    const outputs = g.rootScope(`${producer.name}_recompute`, () =>
      g.addNode(producer.opType, inputs, producer.attrs, producer.outputs.map((o) => ({ dtype: o.dtype, shape: o.shape }))));
    producer.outputs.forEach((o, i) => copies.set(o, outputs[i]));
    return copies.get(t) as Tensor;
  };
  return copyOf;
}
