// All adapters of a model inside one graph: trainable graph inputs, dropout masks, router statistics.
import type { DType, Graph, Tensor } from '../../engine';
import type { ProjectionAdapter } from '../decoder/layer';
import type { AdaptedModule, LoraMoeConfig } from './config';
import { buildModuleAdapter } from './loraMoe';
import { adapterParamSpecs, type AdapterParamSpec } from './params';
import type { RouterLoadTensors } from './router';

export interface AdapterGraphOptions {
  dtype?: DType;
  /** Training graphs get dropout-mask inputs (when dropout > 0), router statistics and the balance loss. */
  training?: boolean;
  /** [batch, seq] float input weighting tokens in router statistics (1 = real token). */
  tokenMask?: Tensor;
}

/** Name of the bool keep-mask input that drops the adapter input of `module`. */
export function dropoutMaskName(module: string): string {
  return `dropout_mask.${module}`;
}

/**
 * Declares every trainable tensor as a graph INPUT (small; fed and fetched each step, so the frozen
 * model stays untouched in the session) and applies the adapters when the decoder's hook calls `apply`.
 */
export class AdapterGraph {
  readonly specs: AdapterParamSpec[];
  readonly inputs = new Map<string, Tensor>();
  readonly dropoutMasks = new Map<string, Tensor>();
  readonly loads = new Map<string, RouterLoadTensors>();
  readonly balanceLosses: Tensor[] = [];
  private readonly byName: Map<string, AdaptedModule>;
  private readonly applied = new Set<string>();
  private readonly tokenWeight?: Tensor;

  constructor(private readonly g: Graph, readonly config: LoraMoeConfig, readonly modules: readonly AdaptedModule[], private readonly options: AdapterGraphOptions = {}) {
    this.specs = adapterParamSpecs(config, modules);
    this.byName = new Map(modules.map((m) => [m.name, m]));
    const dtype = options.dtype ?? 'float32';
    for (const spec of this.specs) this.inputs.set(spec.name, g.input(spec.name, dtype, spec.dims));
    if (options.tokenMask) this.tokenWeight = g.reshape(options.tokenMask, [-1]);
  }

  has(module: string): boolean {
    return this.byName.has(module);
  }

  /** `apply` as the decoder's projection hook: every model (decoder, probe forward, logits builder) takes this one type. */
  readonly hook: ProjectionAdapter = (ctx) => this.apply(ctx.name, ctx.input, ctx.output);

  /** The adapted output of `module` for input x and base output W x (the decoder's hook calls this). */
  apply(module: string, x: Tensor, base: Tensor): Tensor {
    const m = this.byName.get(module);
    if (!m) return base;
    if (this.applied.has(module)) throw new Error(`adapter of ${module} applied twice in one graph`);
    this.applied.add(module);
    const training = this.options.training ?? false;
    let dropoutMask: Tensor | undefined;
    if (training && this.config.dropout > 0) {
      dropoutMask = this.g.input(dropoutMaskName(module), 'bool', x.shape);
      this.dropoutMasks.set(module, dropoutMask);
    }
    const result = buildModuleAdapter(this.g, x, base, m, this.config, this.specs, this.inputs, {
      dropoutMask, tokenWeight: this.tokenWeight, withStatistics: training,
    });
    if (result.load) this.loads.set(module, result.load);
    if (result.balanceLoss) this.balanceLosses.push(result.balanceLoss);
    return result.output;
  }

  /** Throws when the decoder did not route every adapted module through the hook. */
  checkAllApplied(): void {
    const missing = this.modules.filter((m) => !this.applied.has(m.name)).map((m) => m.name);
    if (missing.length > 0) throw new Error(`the decoder never called the adapter hook for ${missing.join(', ')}`);
  }

  /** Trainable parameters as counted from the graph's own inputs (compare with the DESIGN.md formula). */
  trainableParameterCount(): number {
    let total = 0;
    for (const t of this.inputs.values()) total += (t.shape as number[]).reduce((a, b) => a * b, 1);
    return total;
  }

  /** Sum of the balance losses of all modules, or undefined when there are none. */
  totalBalanceLoss(): Tensor | undefined {
    if (this.balanceLosses.length === 0) return undefined;
    return this.g.sum(...this.balanceLosses);
  }
}
