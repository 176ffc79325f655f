// Just-in-time up-casts of stored 16-bit weights. onnxruntime's CPU executor runs every node whose inputs are ready,
// so `Cast(initializer)` nodes (inputs ready at start) all run first and every layer's float32 copy is alive at
// once (docs/memory.md). Tying each Cast to its first consumer's activation input keeps one layer's copy at a time.
import type { Graph } from './graph';
import { Node, Tensor } from './ir';

function isStoredUpcast(t: Tensor): boolean {
  return t.producer?.opType === 'Cast' && t.producer.inputs[0]?.kind === 'initializer';
}

/** The first consumer of each up-cast output, in node order. */
function firstConsumers(nodes: readonly Node[]): Map<Tensor, Node> {
  const first = new Map<Tensor, Node>();
  for (const node of nodes) for (const t of node.inputs) if (t && isStoredUpcast(t) && !first.has(t)) first.set(t, node);
  return first;
}

/** Rewrites the graph in place; returns how many up-casts now wait for their layer. */
export function scheduleUpcasts(g: Graph): number {
  let rewired = 0;
  for (const [upcast, consumer] of firstConsumers(g.nodes)) {
    const dep = consumer.inputs.find((t): t is Tensor => t !== undefined && t !== upcast && (t.kind === 'computed' || t.kind === 'input') && !t.isStatic);
    if (!dep) continue;
    const created = g.nodes.length;
    const stored = (upcast.producer as Node).inputs[0] as Tensor;
    const late = g.cast(g.after(stored, dep), upcast.dtype);
    const added = g.nodes.splice(created);
    g.nodes.splice(g.nodes.indexOf(consumer), 0, ...added);
    for (const node of g.nodes) {
      if (!added.includes(node) && node.inputs.includes(upcast)) node.inputs = node.inputs.map((t) => (t === upcast ? late : t));
    }
    rewired++;
  }
  return rewired;
}
