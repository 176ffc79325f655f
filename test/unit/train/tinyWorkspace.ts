// A small self-contained workspace for the job tests: a random 2-layer LLaMA (HF folder with a byte-level
// BPE tokenizer), two synthetic tasks with train/test files and an experiment file.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildTokenizer } from '../../../src/core/demo/tokenizer';
import { deriveSeed, SeededRandom } from '../../../src/core/data';
import { randomModel, saveHfFolder, tinyConfig } from '../../../src/core/model';

/** 2 layers, 16 wide, grouped-query attention (4 query heads, 2 key/value heads); the vocabulary is the tokenizer's. */
const tinyModelConfig = (vocabSize: number) => tinyConfig({
  vocabSize, hiddenSize: 16, intermediateSize: 32, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 4, maxPositions: 256, bosTokenId: 1, eosTokenId: 2,
});

interface Rec { instruction: string; input: string; output: string; answer: string }

/** Two tasks whose answers follow the LLM-Adapters patterns (true|false, option[12]). */
function taskRecords(task: string, count: number, seed: number): Rec[] {
  const random = new SeededRandom(deriveSeed(seed, task.length));
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
  const modelDir = saveHfFolder(randomModel(tinyModelConfig(tok.vocabSize), seed), path.join(dir, 'model'));
  fs.writeFileSync(path.join(modelDir, 'tokenizer.json'), JSON.stringify(tok.tokenizer));
  fs.writeFileSync(path.join(modelDir, 'tokenizer_config.json'), JSON.stringify(tok.config));
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
