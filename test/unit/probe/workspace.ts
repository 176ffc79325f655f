// A tiny probe workspace on disk: an HF-format model with a tokenizer.json, LLM-Adapters text data, pre-tokenized
// data and an experiment file that names them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomModel, saveHfFolder, tinyConfig } from '../../../src/core/model';
import { writeTokenizerFixture } from '../model/tokenizerFixture';
import { example } from './helpers';

export interface ProbeWorkspace {
  dir: string;
  modelDir: string;
  textFile: string;
  tokensFile: string;
  experimentFile: string;
}

const WORDS = ['hello', 'world', 'hell', 'low', 'old', 'row'];

function textRecords(count: number): object[] {
  return Array.from({ length: count }, (_, i) => {
    const answer = i % 2 === 0 ? 'true' : 'false';
    const words = Array.from({ length: 2 + (i % 4) }, (_, k) => WORDS[(i + k) % WORDS.length]).join(' ');
    return { instruction: `is ${words} hello?`, input: i % 3 === 0 ? 'hello world' : '', output: `the correct answer is ${answer}`, answer };
  });
}

/** Pre-tokenized JSONL records with ids below `vocab` (a few unscored prompt tokens each). */
export function writeTokenized(file: string, count: number, vocab: number, seed = 50): string {
  const lines = Array.from({ length: count }, (_, i) => {
    const e = example(seed + i, 5 + ((i * 7) % 13), vocab, 2);
    return JSON.stringify({ input_ids: e.inputIds, labels: e.labels });
  });
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export function writeProbeWorkspace(dir: string, probe: Record<string, unknown> = {}): ProbeWorkspace {
  const config = tinyConfig({ vocabSize: 288, numKvHeads: 2, maxPositions: 512 });
  const modelDir = path.join(dir, 'model');
  saveHfFolder(randomModel(config, 11), modelDir);
  writeTokenizerFixture(modelDir);
  const textFile = path.join(dir, 'text.json');
  fs.writeFileSync(textFile, JSON.stringify(textRecords(9), null, 1));
  const tokensFile = writeTokenized(path.join(dir, 'tokens.jsonl'), 6, config.vocabSize);
  const experimentFile = path.join(dir, 'probe.smoe.json');
  fs.writeFileSync(experimentFile, JSON.stringify({
    name: 'probe-test',
    model: { path: 'model' },
    tasks: [{ name: 'text', train: 'text.json' }, { name: 'tokens', train: 'tokens.jsonl' }],
    adapter: { targetModules: ['q_proj', 'v_proj', 'down_proj'] },
    probe: { samplesPerTask: 5, seed: 3, maxLength: 256, ...probe },
    device: 'cpu',
  }, null, 2));
  return { dir, modelDir, textFile, tokensFile, experimentFile };
}
