// Which matrices the probe measures and, per batch length, which norm form each one uses (DESIGN.md §3.2).
import { moduleName, moduleShape, type ModelConfig, type ModuleType } from '../model/config';
import { normCost, type NormMethod } from './norms';

export type MethodChoice = 'auto' | NormMethod;

/** One target weight matrix: y = W x with W [dOut, dIn]. */
export interface ProbeTarget {
  /** HF module name without `.weight`, e.g. `model.layers.0.self_attn.q_proj`. */
  name: string;
  dIn: number;
  dOut: number;
}

/** Every matrix of the given types over all layers, layer-major, types in the order given. */
export function targetsOf(config: ModelConfig, types: readonly ModuleType[]): ProbeTarget[] {
  if (types.length === 0) throw new Error('no target modules: name at least one of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj');
  const targets: ProbeTarget[] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const type of types) targets.push({ name: moduleName(layer, type), ...moduleShape(config, type) });
  }
  return targets;
}

/** The shape of one run of the probe graph: examples and their padded length. */
export interface BatchShape {
  examples: number;
  tokens: number;
}

/**
 * The form each target uses for a whole job: under `auto`, the one with the lower total cost over the job's
 * batches (ties go to ghost). One assignment means one graph and one session, whatever the batch lengths; where
 * all batches fall on the same side of a module's threshold this is exactly the per-batch choice.
 */
export function methodsFor(targets: readonly ProbeTarget[], choice: MethodChoice, batches: readonly BatchShape[]): NormMethod[] {
  if (choice !== 'auto') return targets.map(() => choice);
  return targets.map((t) => {
    const total = (method: NormMethod) => batches.reduce((sum, b) => sum + b.examples * normCost(method, b.tokens, t.dIn, t.dOut), 0);
    return total('ghost') <= total('direct') ? 'ghost' : 'direct';
  });
}

/** How many targets use each form, e.g. `{ghost: 8, direct: 2}`. */
export function methodCounts(methods: readonly NormMethod[]): Record<NormMethod, number> {
  const counts = { ghost: 0, direct: 0 };
  for (const m of methods) counts[m]++;
  return counts;
}
