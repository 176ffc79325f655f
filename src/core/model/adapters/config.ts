// One typed adapter config (as PEFT's LoraConfig): what `adapter` + the expert map of an experiment describe.
import { moduleShape, parseModuleName, type ModelConfig, type ModuleType, MODULE_TYPES } from '../config';

/** `shared-a`: one A, n B heads, dense softmax router. `independent`: n (A_i, B_i), top-k router. */
export type AdapterStyle = 'shared-a' | 'independent';
/** Module name (no `.weight`) → experts; absent or 0 = no adapter, 1 = plain LoRA. */
export type ExpertMap = Record<string, number>;

/** The experiment file's `adapter` section (after defaults); with an expert map it makes a LoraMoeConfig. */
export interface AdapterSettings {
  style: AdapterStyle;
  rank: number;
  alpha: number;
  dropout: number;
  targetModules: ModuleType[];
  topK: number;
  balanceLossCoef: number;
}

/**
 * Trainable parameters of one module with n experts (DESIGN.md §3.1): shared-a `r*d_in + n*r*d_out + (n>1 ? n*d_in : 0)`,
 * independent `n*r*(d_in + d_out) + (n>1 ? n*d_in : 0)`; the last term is the router. n <= 0: no adapter.
 */
export function moduleTrainableParams(style: AdapterStyle, rank: number, n: number, dIn: number, dOut: number): number {
  if (n <= 0) return 0;
  const router = n > 1 ? n * dIn : 0;
  return style === 'shared-a' ? rank * dIn + n * rank * dOut + router : n * rank * (dIn + dOut) + router;
}

export interface LoraMoeConfig {
  /** See AdapterStyle. */
  style: AdapterStyle;
  /** LoRA rank r of every expert (default 8). */
  rank: number;
  /** The adapter output is scaled by alpha / rank (default 16). */
  alpha: number;
  /** Dropout probability on the adapter input while training (default 0.05); the router sees the undropped input. */
  dropout: number;
  /** `independent`: experts used per token, capped at n per module (default 2). */
  topK: number;
  /** `independent`: Switch load-balancing loss coefficient (default 0.01, 0 = off). */
  balanceLossCoef: number;
  /** Module name (no `.weight`) → experts; modules absent or at 0 get no adapter, 1 is plain LoRA. */
  experts: ExpertMap;
  /** The base model's path, recorded in adapter_config.json. */
  baseModel?: string;
}

/** One adapted module, resolved against the model. */
export interface AdaptedModule {
  name: string;
  layer: number;
  type: ModuleType;
  experts: number;
  dIn: number;
  dOut: number;
  /** Experts each token uses: n for shared-a, min(topK, n) for independent. */
  topK: number;
}

export function loraMoeConfig(adapter: AdapterSettings, experts: ExpertMap, baseModel?: string): LoraMoeConfig {
  const { style, rank, alpha, dropout, topK, balanceLossCoef } = adapter;
  return { style, rank, alpha, dropout, topK, balanceLossCoef, experts: { ...experts }, baseModel };
}

/** Modules that get an adapter, layer-major in model order; throws naming the bad entry. */
export function adaptedModules(config: LoraMoeConfig, model: ModelConfig): AdaptedModule[] {
  validateConfig(config);
  const out: AdaptedModule[] = [];
  for (const [name, experts] of Object.entries(config.experts)) {
    if (!Number.isInteger(experts) || experts < 0) throw new Error(`experts["${name}"]: ${experts} is not a non-negative integer expert count`);
    if (experts === 0) continue;
    const parsed = parseModuleName(name);
    if (!parsed) throw new Error(`experts["${name}"]: not a module name like model.layers.0.self_attn.q_proj`);
    if (parsed.layer >= model.numLayers) throw new Error(`experts["${name}"]: layer ${parsed.layer} does not exist, the model has ${model.numLayers} layers`);
    const { dIn, dOut } = moduleShape(model, parsed.type);
    const topK = config.style === 'shared-a' ? experts : Math.min(config.topK, experts);
    out.push({ name: name.replace(/\.weight$/, ''), layer: parsed.layer, type: parsed.type, experts, dIn, dOut, topK });
  }
  if (out.length === 0) throw new Error('experts: the expert map gives no module an adapter; allocate experts or set at least one module to 1 or more');
  return out.sort((a, b) => a.layer - b.layer || MODULE_TYPES.indexOf(a.type) - MODULE_TYPES.indexOf(b.type));
}

function validateConfig(config: LoraMoeConfig): void {
  if (!Number.isInteger(config.rank) || config.rank < 1) throw new Error(`adapter.rank: ${config.rank} must be a positive integer`);
  if (!(config.alpha > 0)) throw new Error(`adapter.alpha: ${config.alpha} must be positive`);
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new Error(`adapter.dropout: ${config.dropout} must be in [0, 1)`);
  if (!Number.isInteger(config.topK) || config.topK < 1) throw new Error(`adapter.topK: ${config.topK} must be a positive integer`);
  if (config.style !== 'shared-a' && config.style !== 'independent') throw new Error(`adapter.style: "${String(config.style)}" is not shared-a or independent`);
}

/** DESIGN.md §3.1 summed over the adapted modules, to check against the graph's own count. */
export function trainableParamsByFormula(config: LoraMoeConfig, model: ModelConfig): number {
  return adaptedModules(config, model).reduce((sum, m) => sum + moduleTrainableParams(config.style, config.rank, m.experts, m.dIn, m.dOut), 0);
}

/** Module types that carry at least one adapter (adapter_config.json's target_modules). */
export function usedModuleTypes(modules: readonly AdaptedModule[]): ModuleType[] {
  return MODULE_TYPES.filter((t) => modules.some((m) => m.type === t));
}
