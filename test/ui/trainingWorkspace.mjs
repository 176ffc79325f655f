// A workspace whose training runs until it is cancelled: the zero-weight tiny LLaMA, pre-tokenized data (no
// tokenizer needed) and a step budget far beyond what a test waits for. Steps take about a millisecond, so the
// worker floods the extension host with progress and metric messages: the worst case for a prompt Cancel.
import fs from 'node:fs';
import path from 'node:path';
import { writeTinyLlama } from './tinyModelFiles.mjs';

export const LONG_STEPS = 10_000_000;

/** Returns the experiment file (long.smoe.json) in `<root>/<folder>`. */
export function writeTrainingWorkspace(root, folder = 'training-ui') {
  const dir = path.join(root, folder);
  writeTinyLlama(path.join(dir, 'model'));
  const rows = Array.from({ length: 16 }, (_, i) => JSON.stringify({ input_ids: Array.from({ length: 12 }, (_, j) => 3 + ((i + j) % 28)) }));
  fs.writeFileSync(path.join(dir, 'train.jsonl'), `${rows.join('\n')}\n`);
  const experiment = {
    name: 'long-training',
    model: { path: 'model' },
    tasks: [{ name: 'ids', train: 'train.jsonl' }],
    adapter: { rank: 4, alpha: 8 },
    experts: { 'model.layers.0.self_attn.q_proj': 2, 'model.layers.1.self_attn.v_proj': 2 },
    training: { maxSteps: LONG_STEPS, microBatchSize: 2, maxLength: 64, checkpointEvery: LONG_STEPS },
    device: 'cpu',
    threads: 1,
  };
  const file = path.join(dir, 'long.smoe.json');
  fs.writeFileSync(file, `${JSON.stringify(experiment, null, 2)}\n`);
  return file;
}
