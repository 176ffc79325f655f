// Writes the editor UI test's files into the UI workspace: a tiny Hugging Face model (config.json + a
// byte-built model.safetensors), one task, a probe run and an experiment with problems worth seeing.
import fs from 'node:fs';
import path from 'node:path';
import { blockOf, zeroSafetensors } from './tinyModelFiles.mjs';

const SHAPES = { q_proj: [16, 16], k_proj: [8, 16], v_proj: [8, 16], o_proj: [16, 16], gate_proj: [40, 16], up_proj: [40, 16], down_proj: [16, 40] };
const CONFIG = {
  model_type: 'llama', vocab_size: 32, hidden_size: 16, intermediate_size: 40, num_hidden_layers: 2,
  num_attention_heads: 4, num_key_value_heads: 2, rms_norm_eps: 1e-5, rope_theta: 10000, max_position_embeddings: 64,
};

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
  const tensors = { 'model.embed_tokens.weight': [32, 16] };
  for (const layer of [0, 1]) {
    for (const [type, shape] of Object.entries(SHAPES)) tensors[`model.layers.${layer}.${blockOf(type)}.${type}.weight`] = shape;
    tensors[`model.layers.${layer}.input_layernorm.weight`] = [16];
    tensors[`model.layers.${layer}.post_attention_layernorm.weight`] = [16];
  }
  tensors['model.norm.weight'] = [16];
  tensors['lm_head.weight'] = [32, 16];
  fs.mkdirSync(path.join(dir, 'model'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'model', 'config.json'), JSON.stringify(CONFIG, null, 2));
  fs.writeFileSync(path.join(dir, 'model', 'model.safetensors'), zeroSafetensors(tensors));
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
