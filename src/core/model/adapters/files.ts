// The exported adapter: adapter.safetensors (PEFT-style names), adapter_config.json, experts.json — and the loader.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { flatExpertMapText, parseFlatExpertMap } from './expertMap';
import type { ParamSet } from './params';
import { writeFileAtomic } from '../../runFolder/runFolder';
import type { ModelConfig } from '../config';
import { encodeSafetensors, readSafetensors, type WeightTensor } from '../safetensors';
import { adaptedModules, usedModuleTypes, type LoraMoeConfig } from './config';
import { adapterParamSpecs } from './params';

export const ADAPTER_WEIGHTS_FILE = 'adapter.safetensors';
export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const EXPERTS_FILE = 'experts.json';

/** adapter_config.json: PEFT's LoRA fields plus the LoRA-MoE ones (style, top_k, expert_map). */
export interface AdapterConfigFile {
  peft_type: 'LORA' | 'LORA_MOE';
  task_type: 'CAUSAL_LM';
  base_model_name_or_path: string | null;
  r: number;
  lora_alpha: number;
  lora_dropout: number;
  bias: 'none';
  target_modules: string[];
  style: LoraMoeConfig['style'];
  top_k: number;
  balance_loss_coef: number;
  expert_map: Record<string, number>;
}

export function adapterConfigFile(config: LoraMoeConfig, model: ModelConfig): AdapterConfigFile {
  const modules = adaptedModules(config, model);
  const expertMap = Object.fromEntries(modules.map((m) => [m.name, m.experts]));
  return {
    peft_type: modules.every((m) => m.experts === 1) ? 'LORA' : 'LORA_MOE',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: config.baseModel ?? null,
    r: config.rank,
    lora_alpha: config.alpha,
    lora_dropout: config.dropout,
    bias: 'none',
    target_modules: usedModuleTypes(modules),
    style: config.style,
    top_k: config.topK,
    balance_loss_coef: config.balanceLossCoef,
    expert_map: expertMap,
  };
}

/** Writes the three files into `dir` (each atomically) and returns their paths. */
export function writeAdapterFiles(dir: string, config: LoraMoeConfig, model: ModelConfig, params: ParamSet): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const specs = adapterParamSpecs(config, adaptedModules(config, model));
  const tensors = new Map<string, WeightTensor>(specs.map((s) => {
    const data = params.get(s.name);
    if (!data) throw new Error(`cannot export: no values for adapter tensor ${s.name}`);
    return [s.name, { dims: s.dims, data }];
  }));
  const files = [ADAPTER_WEIGHTS_FILE, ADAPTER_CONFIG_FILE, EXPERTS_FILE].map((name) => path.join(dir, name));
  writeFileAtomic(files[0], encodeSafetensors(tensors));
  writeFileAtomic(files[1], JSON.stringify(adapterConfigFile(config, model), null, 2) + '\n');
  writeFileAtomic(files[2], flatExpertMapText(config.experts));
  return files;
}

export interface LoadedAdapter {
  dir: string;
  config: LoraMoeConfig;
  params: ParamSet;
}

/** Reads an exported adapter (or a run folder that holds one) back for evaluation or further training. */
export function readAdapterFiles(dir: string): LoadedAdapter {
  const configPath = path.join(dir, ADAPTER_CONFIG_FILE);
  if (!fs.existsSync(configPath)) throw new Error(`${dir}: no ${ADAPTER_CONFIG_FILE}; point at a finished training run or an exported adapter folder`);
  const file = JSON.parse(fs.readFileSync(configPath, 'utf8')) as AdapterConfigFile;
  const parsed = parseFlatExpertMap(file.expert_map);
  if ('error' in parsed) throw new Error(`${configPath}: expert_map ${parsed.error}`);
  const config: LoraMoeConfig = {
    style: file.style ?? 'shared-a',
    rank: file.r,
    alpha: file.lora_alpha,
    dropout: file.lora_dropout ?? 0,
    topK: file.top_k ?? 2,
    balanceLossCoef: file.balance_loss_coef ?? 0,
    experts: parsed.map,
    baseModel: file.base_model_name_or_path ?? undefined,
  };
  const { tensors } = readSafetensors(path.join(dir, ADAPTER_WEIGHTS_FILE));
  return { dir, config, params: new Map([...tensors].map(([name, t]) => [name, t.data])) };
}

/** Checks a loaded adapter against the model: every expected tensor present with the right size. */
export function checkAdapterParams(adapter: LoadedAdapter, model: ModelConfig): void {
  for (const spec of adapterParamSpecs(adapter.config, adaptedModules(adapter.config, model))) {
    const data = adapter.params.get(spec.name);
    const need = spec.dims[0] * spec.dims[1];
    if (!data) throw new Error(`${adapter.dir}: ${ADAPTER_WEIGHTS_FILE} has no tensor ${spec.name} (adapter made for another model or expert map?)`);
    if (data.length !== need) throw new Error(`${adapter.dir}: ${spec.name} has ${data.length} values, the model needs [${spec.dims}]`);
  }
}
