import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../runFolder/runFolder';
import { vocabularyTexts } from './corpus';
import { EXPERIMENT_FILES, experimentValue, taskFiles, type AdaptedVariant } from './experimentFiles';
import type { DemoSettings } from './settings';
import { DEMO_TASKS, generateSplit } from './tasks';
import { buildTokenizer, type TokenizerFiles } from './tokenizer';

export const MODEL_DIR = 'model';

function writeJson(file: string, value: unknown): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
  return file;
}

/** The demo's tokenizer; deterministic, so the workspace and the cached model always agree. */
export function demoTokenizer(): TokenizerFiles {
  return buildTokenizer(vocabularyTexts());
}

/** Train/test JSON of every task; each task has its own seed so adding a task leaves the others unchanged. */
function writeTaskData(workspace: string, settings: DemoSettings): string[] {
  return DEMO_TASKS.flatMap((task, i) => {
    const split = generateSplit(task, settings.seed * 1000 + i, settings.data.trainPerTask, settings.data.testPerTask);
    const files = taskFiles(task.name);
    return [writeJson(path.join(workspace, files.train), split.train), writeJson(path.join(workspace, files.test), split.test)];
  });
}

const README = `# LoRA-SMoE demo workspace

Written by \`smoe demo\` (or "LoRA-SMoE: Create Demo Workspace"). Everything here was generated locally:

- \`model/\`: a small LLaMA-style model in Hugging Face format, pre-trained by LoRA-SMoE Studio's own engine
  on a generated corpus (config.json, model.safetensors, tokenizer.json).
- \`data/<task>/{train,test}.json\`: four generated tasks in the LLM-Adapters record format.
- \`demo.smoe.json\`: the LoRA-SMoE experiment (sensitivity vote); \`demo-uniform.smoe.json\` and
  \`demo-lora.smoe.json\`: the baselines at the same trainable-parameter budget.
- \`.smoe/runs/\`: the probe, training and evaluation runs; \`report.html\`: the results.
- \`demo-state.json\`: which phases are done (rerun \`smoe demo\` to resume after an interruption).
`;

/** Writes data, tokenizer and experiment files (expert maps come later); returns the files written. */
export function writeWorkspace(workspace: string, settings: DemoSettings): string[] {
  fs.mkdirSync(workspace, { recursive: true });
  const tokenizer = demoTokenizer();
  const files = [
    ...writeTaskData(workspace, settings),
    writeJson(path.join(workspace, MODEL_DIR, 'tokenizer.json'), tokenizer.tokenizer),
    writeJson(path.join(workspace, MODEL_DIR, 'tokenizer_config.json'), tokenizer.config),
  ];
  for (const variant of Object.keys(EXPERIMENT_FILES) as AdaptedVariant[]) {
    files.push(writeJson(path.join(workspace, EXPERIMENT_FILES[variant]), experimentValue(variant, settings)));
  }
  const readme = path.join(workspace, 'README.md');
  writeFileAtomic(readme, README);
  return [...files, readme];
}
