// Just-in-time up-casts of stored 16-bit weights. onnxruntime's CPU executor runs every node whose inputs are ready,
// so `Cast(initializer)` nodes (inputs ready at start) all run first and every layer's float32 copy is alive at
// once (docs/memory.md). Tying each Cast to its first consumer's activation input keeps one layer's copy at a time.
import type { Graph } from './graph';
import { Node, Tensor } from './ir';

function isStoredUpcast(t: Tensor): boolean {
  return t.producer?.opType === 'Cast' && t.producer.inputs[0]?.kind === 'initializer';
}

/** The consumers of each up-cast output, in node order. */
function consumersOf(nodes: readonly Node[]): Map<Tensor, Node[]> {
  const consumers = new Map<Tensor, Node[]>();
  for (const node of nodes) {
    for (const t of new Set(node.inputs)) if (t && isStoredUpcast(t)) consumers.set(t, [...(consumers.get(t) ?? []), node]);
  }
  return consumers;
}

/** Rewrites the graph in place; returns how many up-casts now wait for their layer. */
export function scheduleUpcasts(g: Graph): number {
  let rewired = 0;
  for (const [upcast, consumers] of consumersOf(g.nodes)) {
    const consumer = consumers[0];
    const dep = consumer.inputs.find((t): t is Tensor => t !== undefined && t !== upcast && (t.kind === 'computed' || t.kind === 'input') && !t.isStatic);
    if (!dep) continue;
    const created = g.nodes.length;
    const stored = (upcast.producer as Node).inputs[0] as Tensor;
    const late = g.cast(g.after(stored, dep), upcast.dtype);
    const added = g.nodes.splice(created);
    g.nodes.splice(g.nodes.indexOf(consumer), 0, ...added);
    for (const node of consumers) node.inputs = node.inputs.map((t) => (t === upcast ? late : t));
    rewired++;
  }
  return rewired;
}
