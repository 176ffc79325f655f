// Train and evaluate on a llama2.c checkpoint with pre-tokenized JSONL tasks (no tokenizer, no answer text):
// training lowers the held-out loss; eval.json and the table say accuracy is n/a instead of reporting 0 %.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { evalTable } from '../../../src/cli/commands/eval';
import { deriveSeed, SeededRandom } from '../../../src/core/data';
import { silentReporter, type JobContext, type MetricEvent } from '../../../src/core/runFolder/context';
import { runJobRequest } from '../../../src/core/dispatch/dispatch';
import { randomModel, saveLlama2c, tinyConfig } from '../../../src/core/model';
import type { EvalReport } from '../../../src/core/train/evalReport';

process.env.HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'train-home-'));

const VOCAB = 24;

/** BOS, three tokens, a separator, then the response: the same tokens (`copy`) or each one up by one (`shift`); only the response is scored. */
function taskLines(task: 'copy' | 'shift', count: number, seed: number): string {
  const random = new SeededRandom(deriveSeed(seed, task.length));
  return Array.from({ length: count }, () => {
    const prompt = Array.from({ length: 3 }, () => 4 + random.below(VOCAB - 6));
    const response = task === 'copy' ? prompt : prompt.map((t) => t + 1);
    const inputIds = [1, ...prompt, 3, ...response];
    const labels = inputIds.map((id, i) => (i > 4 ? id : -100));
    return JSON.stringify({ input_ids: inputIds, labels });
  }).join('\n') + '\n';
}

function llama2cWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-llama2c-ws-'));
  const config = tinyConfig({ modelType: 'llama2c', vocabSize: VOCAB, hiddenSize: 16, intermediateSize: 40, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 4, ropeLayout: 'interleaved', tieWordEmbeddings: true, maxPositions: 64 });
  saveLlama2c(randomModel(config, 4), path.join(dir, 'model.bin'));
  for (const task of ['copy', 'shift'] as const) {
    fs.writeFileSync(path.join(dir, `${task}.train.jsonl`), taskLines(task, 48, 1));
    fs.writeFileSync(path.join(dir, `${task}.test.jsonl`), taskLines(task, 6, 2));
  }
  const experts: Record<string, number> = {};
  for (let layer = 0; layer < 2; layer++) for (const m of ['self_attn.q_proj', 'self_attn.v_proj', 'mlp.down_proj']) experts[`model.layers.${layer}.${m}`] = m === 'mlp.down_proj' ? 1 : 2;
  const experiment = {
    name: 'llama2c-pretokenized',
    model: { path: 'model.bin' },
    tasks: ['copy', 'shift'].map((t) => ({ name: t, train: `${t}.train.jsonl`, test: `${t}.test.jsonl` })),
    adapter: { style: 'shared-a', rank: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj', 'down_proj'] },
    experts,
    training: { maxSteps: 30, microBatchSize: 4, gradientAccumulation: 1, learningRate: 0.05, warmupSteps: 3, checkpointEvery: 10, maxLength: 32, seed: 3 },
    evaluation: { maxNewTokens: 4, batchSize: 8 },
    device: 'cpu',
    threads: 1,
  };
  const file = path.join(dir, 'pretok.smoe.json');
  fs.writeFileSync(file, JSON.stringify(experiment, null, 2));
  return file;
}

function context(events: MetricEvent[] = [], logs: string[] = []): JobContext {
  return { ...silentReporter, signal: new AbortController().signal, metric: (e) => events.push(e), log: (_level, message) => logs.push(message) };
}

test('llama2.c + pre-tokenized tasks: training lowers held-out loss; accuracy is n/a in eval.json and the table', async () => {
  const experimentFile = llama2cWorkspace();
  const before = (await runJobRequest({ kind: 'evaluate', experimentFile }, context())).summary?.report as EvalReport;
  const trained = await runJobRequest({ kind: 'train', experimentFile }, context());
  assert.equal(trained.summary?.steps, 30);
  const events: MetricEvent[] = [];
  const logs: string[] = [];
  const after = await runJobRequest({ kind: 'evaluate', experimentFile, adapterRun: trained.runDir }, context(events, logs));
  const report = after.summary?.report as EvalReport;
  for (const task of ['copy', 'shift']) {
    assert.equal(report.tasks[task].accuracy, null);
    assert.equal(report.tasks[task].examples, 6);
    assert.ok(report.tasks[task].loss < 0.8 * before.tasks[task].loss, `${task}: held-out loss ${before.tasks[task].loss.toFixed(3)} -> ${report.tasks[task].loss.toFixed(3)}`);
  }
  assert.equal(report.average.accuracy, null);
  assert.ok(Number.isFinite(report.average.loss));
  const written = JSON.parse(fs.readFileSync(after.summary?.evalFile as string, 'utf8')) as EvalReport;
  assert.equal(written.tasks.copy.accuracy, null, 'eval.json keeps null, not 0');
  assert.deepEqual(events.filter((e) => e.type === 'eval-task'), [], 'no eval-task metric claims an accuracy');
  assert.ok(logs.some((m) => /accuracy is n\/a/.test(m)));
  const table = evalTable(report);
  assert.match(table, /copy\s+n\/a\s+n\/a/);
  assert.match(table, /no answer text/);
});
