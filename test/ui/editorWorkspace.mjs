// Writes the editor UI test's files into the UI workspace: a tiny Hugging Face model (config.json + a
// byte-built model.safetensors), one task, a probe run and an experiment with problems worth seeing.
import fs from 'node:fs';
import path from 'node:path';
import { writeTinyLlama } from './tinyModelFiles.mjs';

export const ATTENTION = [0, 1].flatMap((layer) => ['q_proj', 'k_proj', 'v_proj', 'o_proj'].map((t) => `model.layers.${layer}.self_attn.${t}`));

/** A map over budget (6 experts), with one count above maxExperts and one module the model does not have. */
export const EXPERIMENT_TEXT = `{
  "name": "editor-ui",
  "model": { "path": "model" },
  "tasks": [
    { "name": "boolq", "train": "data/boolq/train.json" }
  ],
  "adapter": { "rank": 4, "alpha": 8 },
  "budget": { "kind": "experts", "value": 6, "maxExperts": 4 },
  "allocation": { "strategy": "vote", "percentile": 50 },
  "experts": {
    "model.layers.0.self_attn.q_proj": 2,
    "model.layers.0.self_attn.v_proj": 5,
    "model.layers.1.self_attn.k_proj": 1,
    "model.layers.7.self_attn.q_proj": 1
  },
  "training": { "maxSteps": 10 }
}
`;

export function writeEditorWorkspace(root) {
  const dir = path.join(root, 'editor-ui');
  writeTinyLlama(path.join(dir, 'model'));
  fs.mkdirSync(path.join(dir, 'data', 'boolq'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data', 'boolq', 'train.json'), JSON.stringify([{ instruction: 'Q?', input: '', output: 'the correct answer is true', answer: 'true' }]));
  const run = path.join(dir, '.smoe', 'runs', '20260101-000000-probe');
  fs.mkdirSync(run, { recursive: true });
  fs.writeFileSync(path.join(run, 'sensitivity.json'), JSON.stringify({ tasks: { boolq: Object.fromEntries(ATTENTION.map((n, i) => [n, [9, 3, 7, 1, 5, 2, 8, 4][i]])) } }));
  const stamp = '2026-01-01T00:00:00.000Z';
  fs.writeFileSync(path.join(run, 'run.json'), JSON.stringify({ id: '20260101-000000-probe', kind: 'probe', status: 'succeeded', startedAt: stamp, finishedAt: stamp, pid: 1, timings: {} }));
  const file = path.join(dir, 'editor-ui.smoe.json');
  fs.writeFileSync(file, EXPERIMENT_TEXT);
  return file;
}
