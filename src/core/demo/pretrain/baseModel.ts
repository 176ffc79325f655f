import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { DeviceChoice } from '../../experiment/types';
import type { JobContext } from '../../runFolder/context';
import { writeFileAtomic } from '../../runFolder/runFolder';
import { demoModelConfig, pretrainCacheKey, type DemoSettings } from '../settings';
import type { TokenizerFiles } from '../tokenizer';
import { pretrainBaseModel } from './pretrain';
import { saveHfFolder } from '../../model';

/** `model/demo-model.json`: how the weights were made, so a later run can trust or redo them. */
export interface BaseModelMeta {
  cacheKey: string;
  seconds: number;
  steps: number;
  finalLoss: number;
  tokensPerSecond: number;
  parameters: number;
  /** Loss every 10 steps, for the report. */
  lossCurve: number[];
}

const MODEL_FILES = ['config.json', 'model.safetensors', 'demo-model.json'];

/** Where pre-trained demo models are kept across workspaces (SMOE_CACHE_DIR overrides). */
export function modelCacheRoot(): string {
  if (process.env.SMOE_CACHE_DIR) return process.env.SMOE_CACHE_DIR;
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'lora-smoe-studio', 'demo-models');
}

function readMeta(dir: string): BaseModelMeta | undefined {
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'demo-model.json'), 'utf8')) as BaseModelMeta;
    return MODEL_FILES.every((f) => fs.existsSync(path.join(dir, f))) ? meta : undefined;
  } catch {
    return undefined;
  }
}

function copyModel(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  // demo-model.json last: it is what marks the folder complete.
  for (const file of MODEL_FILES) fs.copyFileSync(path.join(from, file), path.join(to, file));
}

export interface BaseModelOutcome {
  meta: BaseModelMeta;
  /** 'workspace': already there; 'cache': copied from the cache; 'trained': pre-trained now. */
  source: 'workspace' | 'cache' | 'trained';
}

export interface BaseModelOptions {
  modelDir: string;
  settings: DemoSettings;
  tokenizer: TokenizerFiles;
  ctx: JobContext;
  threads?: number;
  device?: DeviceChoice;
}

/** The pre-trained base model in `modelDir`: reused when its key matches, else from the cache, else trained. */
export async function ensureBaseModel(options: BaseModelOptions): Promise<BaseModelOutcome> {
  const { modelDir, settings, tokenizer, ctx } = options;
  const key = pretrainCacheKey(settings, tokenizer.vocabSize);
  const here = readMeta(modelDir);
  if (here?.cacheKey === key) return { meta: here, source: 'workspace' };
  const cacheDir = path.join(modelCacheRoot(), key);
  if (readMeta(cacheDir)?.cacheKey === key) {
    copyModel(cacheDir, modelDir);
    ctx.log('info', `base model: reused the pre-trained model cached in ${cacheDir}`);
    return { meta: readMeta(modelDir) as BaseModelMeta, source: 'cache' };
  }
  const meta = await trainAndSave(options, key);
  try {
    copyModel(modelDir, cacheDir);
  } catch (error) {
    ctx.log('warn', `base model: could not cache it in ${cacheDir} (${(error as Error).message}); the next workspace pre-trains again`);
  }
  return { meta, source: 'trained' };
}

async function trainAndSave(options: BaseModelOptions, cacheKey: string): Promise<BaseModelMeta> {
  const { modelDir, settings, tokenizer } = options;
  const config = demoModelConfig(settings, tokenizer.vocabSize);
  const result = await pretrainBaseModel({ ...options, config, tokenizer: new Tokenizer(tokenizer.tokenizer, tokenizer.config) });
  const tensors = new Map(result.weights.map((w) => [w.name, { dims: w.dims, data: w.data }]));
  saveHfFolder({ config, format: 'hf', tensors, path: '' }, modelDir);
  const meta: BaseModelMeta = {
    cacheKey,
    seconds: result.seconds,
    steps: settings.pretrain.steps,
    finalLoss: result.finalLoss,
    tokensPerSecond: result.tokensPerSecond,
    parameters: result.weights.reduce((a, w) => a + w.data.length, 0),
    lossCurve: result.losses.filter((_, i) => i % 10 === 0),
  };
  writeFileAtomic(path.join(modelDir, 'demo-model.json'), JSON.stringify(meta, null, 2) + '\n');
  return meta;
}
