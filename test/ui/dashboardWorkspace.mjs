// Copies the dashboard fixture (test/fixtures/runs/workspace: a finished probe, training and evaluation runs as the
// jobs leave them) into the UI workspace: runs/ becomes .smoe/runs/, plus a zero-weight model.safetensors.
import fs from 'node:fs';
import path from 'node:path';
import { blockOf, zeroSafetensors } from './tinyModelFiles.mjs';
import { repoRoot } from '../harness/paths.mjs';

const FIXTURE = path.join(repoRoot, 'test', 'fixtures', 'runs', 'workspace');
const SHAPES = { q_proj: [32, 32], k_proj: [16, 32], v_proj: [16, 32], o_proj: [32, 32], gate_proj: [88, 32], up_proj: [88, 32], down_proj: [32, 88] };

/** Returns the experiment file (dashboard.smoe.json) in `<root>/<folder>`. */
export function writeDashboardWorkspace(root, folder = 'dashboard-ui') {
  const dir = path.join(root, folder);
  fs.cpSync(FIXTURE, dir, { recursive: true, filter: (src) => !src.startsWith(path.join(FIXTURE, 'runs')) });
  fs.cpSync(path.join(FIXTURE, 'runs'), path.join(dir, '.smoe', 'runs'), { recursive: true });
  const tensors = { 'model.embed_tokens.weight': [64, 32], 'model.norm.weight': [32], 'lm_head.weight': [64, 32] };
  for (let layer = 0; layer < 4; layer++) {
    for (const [type, shape] of Object.entries(SHAPES)) tensors[`model.layers.${layer}.${blockOf(type)}.${type}.weight`] = shape;
    tensors[`model.layers.${layer}.input_layernorm.weight`] = [32];
    tensors[`model.layers.${layer}.post_attention_layernorm.weight`] = [32];
  }
  fs.writeFileSync(path.join(dir, 'model', 'model.safetensors'), zeroSafetensors(tensors));
  return path.join(dir, 'dashboard.smoe.json');
}
