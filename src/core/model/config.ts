/** Architecture hyper-parameters of a LLaMA-family decoder, whatever file format it came from. */
export type RopeLayout = 'half' | 'interleaved';
export type ModelFormat = 'hf' | 'llama2c';

export interface ModelConfig {
  /** `llama`, `qwen2`, `mistral` (from config.json) or `llama2c`. */
  modelType: string;
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  rmsNormEps: number;
  ropeTheta: number;
  ropeLayout: RopeLayout;
  tieWordEmbeddings: boolean;
  /** Qwen2 style q/k/v biases. */
  attentionBias: boolean;
  maxPositions: number;
  bosTokenId: number;
  eosTokenId: number;
  /** Llama 3.1/3.2 frequency scaling (config.json `rope_scaling` with rope_type "llama3"); absent: plain RoPE. */
  ropeScaling?: Llama3RopeScaling;
  /** Sliding-window attention width when the checkpoint uses it (config.json `sliding_window`); absent: full attention. */
  slidingWindow?: number;
}

export interface Llama3RopeScaling {
  type: 'llama3';
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositions: number;
}

/**
 * RoPE inverse frequencies theta^(-2i/headDim), rescaled as Llama 3 does: long wavelengths divided by the factor,
 * short ones kept, the band between interpolated.
 */
export function ropeInverseFrequencies(config: ModelConfig): number[] {
  const base = Array.from({ length: config.headDim / 2 }, (_, i) => config.ropeTheta ** (-(2 * i) / config.headDim));
  const s = config.ropeScaling;
  if (!s) return base;
  const longest = s.originalMaxPositions / s.lowFreqFactor;
  const shortest = s.originalMaxPositions / s.highFreqFactor;
  return base.map((freq) => {
    const wavelength = (2 * Math.PI) / freq;
    if (wavelength < shortest) return freq;
    if (wavelength > longest) return freq / s.factor;
    const smooth = (s.originalMaxPositions / wavelength - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
    return (1 - smooth) * (freq / s.factor) + smooth * freq;
  });
}

/** Throws when sliding-window attention would cut sequences of `length` tokens (only full attention is computed). */
export function checkSlidingWindow(config: ModelConfig, length: number, setting: string): void {
  if (config.slidingWindow !== undefined && config.slidingWindow < length) {
    throw new Error(`config.json field "sliding_window" is ${config.slidingWindow}, shorter than ${setting} ${length}: sliding-window attention is not supported; set ${setting} to at most ${config.slidingWindow}`);
  }
}

export const MODULE_TYPES = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
export type ModuleType = (typeof MODULE_TYPES)[number];

export const ATTENTION_TYPES: readonly ModuleType[] = ['q_proj', 'k_proj', 'v_proj', 'o_proj'];

export function isModuleType(value: string): value is ModuleType {
  return (MODULE_TYPES as readonly string[]).includes(value);
}

/** `model.layers.{i}.self_attn.q_proj` / `model.layers.{i}.mlp.down_proj` (no `.weight`). */
export function moduleName(layer: number, type: ModuleType): string {
  const block = type.endsWith('_proj') && ATTENTION_TYPES.includes(type) ? 'self_attn' : 'mlp';
  return `model.layers.${layer}.${block}.${type}`;
}

const MODULE_NAME = /^model\.layers\.(\d+)\.(self_attn|mlp)\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)$/;

/** Parses a module name (with or without a trailing `.weight`); undefined when it is not one. */
export function parseModuleName(name: string): { layer: number; type: ModuleType } | undefined {
  const match = MODULE_NAME.exec(name.replace(/\.weight$/, ''));
  if (!match) return undefined;
  const type = match[3] as ModuleType;
  const expectedBlock = ATTENTION_TYPES.includes(type) ? 'self_attn' : 'mlp';
  if (match[2] !== expectedBlock) return undefined;
  return { layer: Number(match[1]), type };
}

/** Input and output width of one projection, from the architecture alone. */
export function moduleShape(config: ModelConfig, type: ModuleType): { dIn: number; dOut: number } {
  const d = config.hiddenSize;
  const kv = config.numKvHeads * config.headDim;
  const q = config.numHeads * config.headDim;
  switch (type) {
    case 'q_proj': return { dIn: d, dOut: q };
    case 'k_proj': return { dIn: d, dOut: kv };
    case 'v_proj': return { dIn: d, dOut: kv };
    case 'o_proj': return { dIn: q, dOut: d };
    case 'gate_proj': return { dIn: d, dOut: config.intermediateSize };
    case 'up_proj': return { dIn: d, dOut: config.intermediateSize };
    case 'down_proj': return { dIn: config.intermediateSize, dOut: d };
    default: {
      const never: never = type;
      throw new Error(`unknown module type ${String(never)}`);
    }
  }
}

/** Every adaptable module of the model, layer-major, in MODULE_TYPES order. */
export function allModules(config: ModelConfig): { name: string; layer: number; type: ModuleType }[] {
  const out: { name: string; layer: number; type: ModuleType }[] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const type of MODULE_TYPES) out.push({ name: moduleName(layer, type), layer, type });
  }
  return out;
}

/** Layer-major, then q,k,v,o,gate,up,down; names that are not module names go last, alphabetically. */
export function compareModuleNames(a: string, b: string): number {
  const pa = parseModuleName(a);
  const pb = parseModuleName(b);
  if (pa && pb) return pa.layer - pb.layer || MODULE_TYPES.indexOf(pa.type) - MODULE_TYPES.indexOf(pb.type);
  if (pa || pb) return pa ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function stripWeight(name: string): string {
  return name.replace(/\.weight$/, '');
}
