// A small self-contained workspace for the job tests: a random 2-layer LLaMA (HF folder with a byte-level
// BPE tokenizer), two synthetic tasks with train/test files and an experiment file.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildTokenizer } from '../../../src/core/demo/tokenizer';
import { encodeSafetensors, type F32Tensor } from '../../../src/core/train/f32Safetensors';
import { deriveSeed, TrainRandom } from '../../../src/core/train/random';

const LAYERS = 2;
const HIDDEN = 16;
const FFN = 32;
const HEADS = 4;
const KV_HEADS = 2;

interface Rec { instruction: string; input: string; output: string; answer: string }

/** Two tasks whose answers follow the LLM-Adapters patterns (true|false, option[12]). */
function taskRecords(task: string, count: number, seed: number): Rec[] {
  const random = new TrainRandom(deriveSeed(seed, task.length));
  return Array.from({ length: count }, () => {
    const a = Math.floor(random.next() * 10);
    const b = Math.floor(random.next() * 10);
    if (task === 'parity') {
      const answer = a % 2 === 0 ? 'true' : 'false';
      return { instruction: 'Is the number even?', input: String(a), output: `the answer is ${answer}`, answer };
    }
    const answer = a >= b ? 'option1' : 'option2';
    return { instruction: 'Which option is bigger?', input: `option1: ${a} option2: ${b}`, output: `the answer is ${answer}`, answer };
  });
}

function modelTensors(vocab: number, seed: number): Map<string, F32Tensor> {
  const random = new TrainRandom(seed);
  const tensors = new Map<string, F32Tensor>();
  const add = (name: string, dims: number[], scale: number, fill?: number) => {
    const n = dims.reduce((a, b) => a * b, 1);
    tensors.set(name, { dims, data: Float32Array.from({ length: n }, () => fill ?? (2 * random.next() - 1) * scale) });
  };
  add('model.embed_tokens.weight', [vocab, HIDDEN], 1);
  const shapes: Record<string, [number, number]> = {
    'self_attn.q_proj': [HIDDEN, HIDDEN], 'self_attn.k_proj': [8, HIDDEN], 'self_attn.v_proj': [8, HIDDEN], 'self_attn.o_proj': [HIDDEN, HIDDEN],
    'mlp.gate_proj': [FFN, HIDDEN], 'mlp.up_proj': [FFN, HIDDEN], 'mlp.down_proj': [HIDDEN, FFN],
  };
  for (let l = 0; l < LAYERS; l++) {
    add(`model.layers.${l}.input_layernorm.weight`, [HIDDEN], 0, 1);
    add(`model.layers.${l}.post_attention_layernorm.weight`, [HIDDEN], 0, 1);
    for (const [m, dims] of Object.entries(shapes)) add(`model.layers.${l}.${m}.weight`, dims, 1 / Math.sqrt(dims[1]));
  }
  add('model.norm.weight', [HIDDEN], 0, 1);
  add('lm_head.weight', [vocab, HIDDEN], 1 / Math.sqrt(HIDDEN));
  return tensors;
}

/** 1-3 experts on q, v, o, gate and down of both layers (a vote-like spread: tasks agree on some modules). */
export function tinyExpertMap(): Record<string, number> {
  return {
    'model.layers.0.self_attn.q_proj': 2, 'model.layers.0.self_attn.v_proj': 3, 'model.layers.0.self_attn.o_proj': 1, 'model.layers.0.mlp.gate_proj': 2, 'model.layers.0.mlp.down_proj': 1,
    'model.layers.1.self_attn.q_proj': 1, 'model.layers.1.self_attn.v_proj': 2, 'model.layers.1.self_attn.o_proj': 2, 'model.layers.1.mlp.gate_proj': 3, 'model.layers.1.mlp.down_proj': 1,
  };
}

export interface TinyWorkspace {
  dir: string;
  experimentFile: string;
  modelDir: string;
}

/** Writes the workspace; `training`/`adapter`/`experts` override the experiment's sections. */
export function writeTinyWorkspace(overrides: Record<string, unknown> = {}, seed = 1): TinyWorkspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-train-ws-'));
  const tasks = ['parity', 'bigger'];
  const texts = tasks.flatMap((t) => taskRecords(t, 20, seed).map((r) => `${r.instruction} ${r.input} ${r.output}`));
  const tok = buildTokenizer(['Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request. ### Instruction: Input: Response:', ...texts]);
  const modelDir = path.join(dir, 'model');
  fs.mkdirSync(modelDir);
  fs.writeFileSync(path.join(modelDir, 'tokenizer.json'), JSON.stringify(tok.tokenizer));
  fs.writeFileSync(path.join(modelDir, 'tokenizer_config.json'), JSON.stringify(tok.config));
  fs.writeFileSync(path.join(modelDir, 'config.json'), JSON.stringify({
    model_type: 'llama', vocab_size: tok.vocabSize, hidden_size: HIDDEN, intermediate_size: FFN, num_hidden_layers: LAYERS, num_attention_heads: HEADS,
    num_key_value_heads: KV_HEADS, rms_norm_eps: 1e-5, rope_theta: 10000, max_position_embeddings: 256, tie_word_embeddings: false, bos_token_id: 1, eos_token_id: 2,
  }));
  fs.writeFileSync(path.join(modelDir, 'model.safetensors'), encodeSafetensors(modelTensors(tok.vocabSize, seed), { format: 'pt' }));
  for (const task of tasks) {
    fs.mkdirSync(path.join(dir, 'data', task), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', task, 'train.json'), JSON.stringify(taskRecords(task, 48, seed + 1)));
    fs.writeFileSync(path.join(dir, 'data', task, 'test.json'), JSON.stringify(taskRecords(task, 8, seed + 2)));
  }
  const experiment = {
    name: 'tiny',
    model: { path: 'model' },
    tasks: tasks.map((t) => ({ name: t, train: `data/${t}/train.json`, test: `data/${t}/test.json` })),
    adapter: { style: 'shared-a', rank: 8, alpha: 16, dropout: 0.05, targetModules: ['q_proj', 'v_proj', 'o_proj', 'gate_proj', 'down_proj'] },
    experts: tinyExpertMap(),
    training: { maxSteps: 40, microBatchSize: 4, gradientAccumulation: 1, learningRate: 0.05, warmupSteps: 3, checkpointEvery: 10, maxLength: 96, seed: 3 },
    evaluation: { maxNewTokens: 6, batchSize: 8 },
    device: 'cpu',
    threads: 1,
    ...overrides,
  };
  const experimentFile = path.join(dir, 'tiny.smoe.json');
  fs.writeFileSync(experimentFile, JSON.stringify(experiment, null, 2));
  return { dir, experimentFile, modelDir };
}
