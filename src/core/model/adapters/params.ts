// The trainable tensors of a LoRA-MoE adapter: PEFT-style names, shapes and initialisation.
import { deriveSeed, SeededRandom } from '../../data/random';
import type { AdaptedModule, LoraMoeConfig } from './config';

/** Named float32 parameters (adapter weights, gradients, optimizer moments). */
export type ParamSet = Map<string, Float32Array>;

export type ParamRole = 'lora_A' | 'lora_B' | 'lora_router';

/** One trainable tensor; its name is the graph input name, the checkpoint name and the exported name. */
export interface AdapterParamSpec {
  name: string;
  module: string;
  role: ParamRole;
  /** Expert index for per-expert tensors (undefined for the shared A and the router). */
  expert?: number;
  /** PyTorch layout: A and the router are [out, d_in], B is [d_out, r]. */
  dims: [number, number];
}

const PEFT_PREFIX = 'base_model.model.';

/** `base_model.model.model.layers.0.self_attn.q_proj` */
export function peftModulePrefix(module: string): string {
  return `${PEFT_PREFIX}${module}`;
}

/** `base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight` → module and tensor role, or undefined. */
export function parsePeftName(name: string): { module: string; role: ParamRole; expert?: number } | undefined {
  const match = /^base_model\.model\.(.+)\.(lora_A|lora_B|lora_router)(?:\.(\d+))?\.weight$/.exec(name);
  if (!match) return undefined;
  return { module: match[1], role: match[2] as ParamRole, expert: match[3] === undefined ? undefined : Number(match[3]) };
}

/**
 * The tensors of one module, in a fixed order. n = 1 is plain LoRA with PEFT's own names
 * (`lora_A.weight`, `lora_B.weight`) so the file loads as an ordinary LoRA adapter; n > 1 numbers the
 * per-expert tensors (`lora_B.{i}.weight`, and for `independent` also `lora_A.{i}.weight`) and adds
 * `lora_router.weight` [n, d_in].
 */
export function moduleParamSpecs(style: LoraMoeConfig['style'], rank: number, m: AdaptedModule): AdapterParamSpec[] {
  const prefix = peftModulePrefix(m.name);
  const spec = (role: ParamRole, dims: [number, number], expert?: number): AdapterParamSpec => ({
    name: `${prefix}.${role}${m.experts > 1 && expert !== undefined ? `.${expert}` : ''}.weight`,
    module: m.name,
    role,
    expert: m.experts > 1 ? expert : undefined,
    dims,
  });
  const experts = Array.from({ length: m.experts }, (_, i) => i);
  const out: AdapterParamSpec[] = style === 'shared-a'
    ? [spec('lora_A', [rank, m.dIn]), ...experts.map((i) => spec('lora_B', [m.dOut, rank], i))]
    : [...experts.map((i) => spec('lora_A', [rank, m.dIn], i)), ...experts.map((i) => spec('lora_B', [m.dOut, rank], i))];
  if (m.experts > 1) out.push(spec('lora_router', [m.experts, m.dIn]));
  return out;
}

export function adapterParamSpecs(config: LoraMoeConfig, modules: readonly AdaptedModule[]): AdapterParamSpec[] {
  return modules.flatMap((m) => moduleParamSpecs(config.style, config.rank, m));
}

/**
 * Fresh parameters, seeded: A and the router as torch's nn.Linear default (Kaiming-uniform with
 * a = √5, i.e. U(-1/√d_in, 1/√d_in)), B zeros — so the adapted model starts equal to the base model.
 */
export function initialParams(specs: readonly AdapterParamSpec[], seed: number): Map<string, Float32Array> {
  const random = new SeededRandom(deriveSeed(seed, 0xa11));
  const params = new Map<string, Float32Array>();
  for (const spec of specs) {
    const data = new Float32Array(spec.dims[0] * spec.dims[1]);
    if (spec.role !== 'lora_B') {
      const bound = 1 / Math.sqrt(spec.dims[1]);
      for (let i = 0; i < data.length; i++) data[i] = (2 * random.next() - 1) * bound;
    }
    params.set(spec.name, data);
  }
  return params;
}
