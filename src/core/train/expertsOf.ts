import * as fs from 'node:fs';
import { parseFlatExpertMap } from '../experiment/expertMap';
import type { LoadedExperiment } from '../experiment/load';
import type { ExpertMap } from '../experiment/types';
import { allModules, type ModelConfig } from '../model/config';

/**
 * The experiment's expert map: inline, or the authors' flat file that `experts` names. Without one,
 * plain LoRA (1 expert) on every target module, said in a warning so the user knows to allocate first.
 */
export function expertMapOf(loaded: LoadedExperiment, model: ModelConfig, warn: (message: string) => void): ExpertMap {
  const { experts, adapter } = loaded.experiment;
  if (typeof experts === 'object' && experts !== null) return { ...experts };
  if (typeof experts === 'string') {
    const file = loaded.resolve(experts);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${loaded.file}: experts "${experts}" cannot be read as JSON (${(error as Error).message}); point it at an expert map file or write the map inline`);
    }
    const parsed = parseFlatExpertMap(raw);
    if ('error' in parsed) throw new Error(`${file}: ${parsed.error}`);
    return parsed.map;
  }
  warn(`${loaded.file}: no expert map (\`experts\`); training plain LoRA (1 expert) on every ${adapter.targetModules.join('/')} module. Run Allocate Experts first for LoRA-MoE.`);
  const map: ExpertMap = {};
  for (const m of allModules(model)) if (adapter.targetModules.includes(m.type)) map[m.name] = 1;
  return map;
}
