// The LoRA-MoE branch of one projection: y = W x + (alpha/r) * sum_i g_i(x) B_i A_i x (DESIGN.md §3.1).
import { Graph, linear, Tensor } from '../../engine';
import type { AdaptedModule, LoraMoeConfig } from './config';
import type { AdapterParamSpec } from './params';
import { balanceLoss, denseRouter, routerLoad, RouterLoadTensors, topKRouter, type RouterOutput } from './router';

export interface ModuleAdapterOptions {
  /** Bool [.., d_in] keep-mask for dropout on the adapter input (training only). */
  dropoutMask?: Tensor;
  /** [N] token weights (1 = real token) for router statistics; omit for a plain mean. */
  tokenWeight?: Tensor;
  /** Build the router-load outputs and the balance loss (training graphs). */
  withStatistics?: boolean;
}

export interface ModuleAdapterResult {
  /** Base output plus the adapter's contribution, shaped like the base output. */
  output: Tensor;
  load?: RouterLoadTensors;
  /** Scalar balance loss, already multiplied by its coefficient (independent style with a coefficient > 0). */
  balanceLoss?: Tensor;
}

/** The module's tensors by role, looked up from the graph inputs made for its specs. */
function roleTensors(specs: readonly AdapterParamSpec[], tensors: ReadonlyMap<string, Tensor>, m: AdaptedModule) {
  const pick = (role: AdapterParamSpec['role']) => specs.filter((s) => s.module === m.name && s.role === role).map((s) => {
    const t = tensors.get(s.name);
    if (!t) throw new Error(`adapter tensor ${s.name} has no graph input`);
    return t;
  });
  return { a: pick('lora_A'), b: pick('lora_B'), router: pick('lora_router')[0] as Tensor | undefined };
}

/**
 * Adds the adapter to `base` = W x. Experts are evaluated densely and mixed in rank space:
 * u = concat_i(g_i * z_i) [N, n*r], delta = u [B_1 .. B_n]^T — one Gemm for all B heads, and for
 * `independent` one Gemm for all A_i too. Top-k therefore zeroes gates but saves no compute.
 */
export function buildModuleAdapter(
  g: Graph, x: Tensor, base: Tensor, m: AdaptedModule, config: LoraMoeConfig,
  specs: readonly AdapterParamSpec[], tensors: ReadonlyMap<string, Tensor>, options: ModuleAdapterOptions = {},
): ModuleAdapterResult {
  const { a, b, router } = roleTensors(specs, tensors, m);
  const dropped = options.dropoutMask ? g.mul(x, g.mul(g.cast(options.dropoutMask, x.dtype), 1 / (1 - config.dropout))) : x;
  const xin = g.flattenToMatrix(dropped);
  let delta: Tensor;
  let routed: RouterOutput | undefined;
  if (m.experts === 1) {
    delta = linear(g, linear(g, xin, a[0]), b[0]);
  } else {
    const xr = g.flattenToMatrix(x);
    routed = config.style === 'shared-a' ? denseRouter(g, xr, router as Tensor) : topKRouter(g, xr, router as Tensor, m.topK);
    const z = config.style === 'shared-a'
      ? g.unsqueeze(linear(g, xin, a[0]), [1])
      : g.reshape(linear(g, xin, g.concat(a, 0)), [-1, m.experts, config.rank]);
    const mixed = g.reshape(g.mul(z, g.unsqueeze(routed.gates, [-1])), [-1, m.experts * config.rank]);
    delta = linear(g, mixed, g.concat(b, 1));
  }
  const output = g.add(base, g.reshapeLike(g.mul(delta, config.alpha / config.rank), base));
  if (!options.withStatistics || !routed) return { output };
  const load = routerLoad(g, routed, options.tokenWeight);
  const wantsBalance = config.style === 'independent' && config.balanceLossCoef > 0;
  const balance = wantsBalance ? balanceLoss(g, routed, m.topK, config.balanceLossCoef, options.tokenWeight) : undefined;
  return { output, load, balanceLoss: balance };
}
