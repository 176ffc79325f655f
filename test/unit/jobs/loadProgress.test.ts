// Loading progress: the 'load model' events a job reports while it reads the checkpoint's headers, maps its weights
// and builds its sessions, in order and before the job's first result, for probe, train and evaluate on a tiny model.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { LOAD_PHASE, LoadProgress } from '../../../src/core/jobs/loadProgress';
import { runJobRequest } from '../../../src/core/dispatch/dispatch';
import { silentReporter, type JobContext, type ProgressEvent } from '../../../src/core/runFolder/context';
import { readRunEvents } from '../../../src/core/runFolder/runFolder';
import { parseHfConfig } from '../../../src/core/model/hfConfig';
import { weightSpecs } from '../../../src/core/model/weights';
import { writeTinyWorkspace } from '../train/tinyWorkspace';

process.env.HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'load-progress-home-'));

function recording(): { ctx: JobContext; events: ProgressEvent[] } {
  const events: ProgressEvent[] = [];
  return { ctx: { ...silentReporter, signal: new AbortController().signal, progress: (e) => events.push(e) }, events };
}

/** "done/total message" of the load events, with the measured seconds masked. */
function loadSteps(events: readonly ProgressEvent[]): string[] {
  return events.filter((e) => e.phase === LOAD_PHASE).map((e) => `${e.done}/${e.total} ${(e.message ?? '').replace(/[\d.]+ s$/, 'N s')}`);
}

const ONE_SESSION = ['0/3 reading headers', '1/3 mapping weights (session 1/1)', '2/3 building session 1/1', '3/3 session 1/1 ready in N s'];

test('LoadProgress counts mapping and building per session; an in-memory session skips mapping; extra sessions grow the total', () => {
  const { ctx, events } = recording();
  const load = new LoadProgress(2);
  const { onLoadStage } = load.hooks(ctx);
  load.headers(ctx);
  for (const stage of ['mapping', 'building', 'built', 'building', 'built', 'mapping', 'building', 'built'] as const) onLoadStage?.(stage);
  assert.deepEqual(loadSteps(events), [
    '0/5 reading headers', '1/5 mapping weights (session 1/2)', '2/5 building session 1/2', '3/5 session 1/2 ready in N s',
    '4/5 building session 2/2', '5/5 session 2/2 ready in N s',
    '5/7 mapping weights (session 3/3)', '6/7 building session 3/3', '7/7 session 3/3 ready in N s',
  ]);
});

test('probe, train and evaluate report loading before their first result; the run folder records it', async () => {
  const ws = writeTinyWorkspace({ training: { maxSteps: 2, microBatchSize: 2, gradientAccumulation: 1, learningRate: 0.01, warmupSteps: 0, checkpointEvery: 10, maxLength: 96, seed: 3 } });
  const probe = recording();
  const probed = await runJobRequest({ kind: 'probe', experimentFile: ws.experimentFile }, probe.ctx);
  assert.deepEqual(loadSteps(probe.events), ONE_SESSION);
  assert.equal(probe.events.findIndex((e) => e.phase !== LOAD_PHASE), ONE_SESSION.length, 'every load event comes before the probe starts');
  const recorded = readRunEvents(probed.runDir!).filter((e) => e.event === 'progress' && e.phase === LOAD_PHASE);
  assert.equal(recorded.length, ONE_SESSION.length);

  const train = recording();
  await runJobRequest({ kind: 'train', experimentFile: ws.experimentFile }, train.ctx);
  assert.deepEqual(loadSteps(train.events), ONE_SESSION);
  assert.equal(train.events.findIndex((e) => e.phase !== LOAD_PHASE), ONE_SESSION.length);

  const evaluate = recording();
  await runJobRequest({ kind: 'evaluate', experimentFile: ws.experimentFile, limit: 1 }, evaluate.ctx);
  assert.deepEqual(loadSteps(evaluate.events), [
    '0/5 reading headers', '1/5 mapping weights (session 1/2)', '2/5 building session 1/2', '3/5 session 1/2 ready in N s',
    '3/5 mapping weights (session 2/2)', '4/5 building session 2/2', '5/5 session 2/2 ready in N s',
  ]);
});

/** A Llama-2-7B-shaped HF folder whose 13 GB of bf16 weights are a sparse file: headers only take disk space. */
function sparseLlama7b(dir: string): string {
  const config = {
    architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 32000, hidden_size: 4096, intermediate_size: 11008, num_hidden_layers: 32,
    num_attention_heads: 32, num_key_value_heads: 32, rms_norm_eps: 1e-5, rope_theta: 10000, max_position_embeddings: 4096, tie_word_embeddings: false,
    bos_token_id: 1, eos_token_id: 2, torch_dtype: 'bfloat16',
  };
  const modelDir = path.join(dir, 'big-model');
  fs.mkdirSync(modelDir);
  fs.writeFileSync(path.join(modelDir, 'config.json'), JSON.stringify(config));
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const spec of weightSpecs(parseHfConfig(config, 'config.json'))) {
    const bytes = 2 * spec.dims.reduce((a, b) => a * b, 1);
    header[spec.name] = { dtype: 'BF16', shape: spec.dims, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.alloc(8 + json.length);
  head.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(head, 8);
  const file = path.join(modelDir, 'model.safetensors');
  fs.writeFileSync(file, head);
  fs.truncateSync(file, head.length + offset);
  return modelDir;
}

test('an evaluation whose scoring batch cannot fit is refused before its run folder, naming evaluation.batchSize', async () => {
  const ws = writeTinyWorkspace();
  const experiment = JSON.parse(fs.readFileSync(ws.experimentFile, 'utf8')) as Record<string, unknown>;
  const model = { path: sparseLlama7b(ws.dir), tokenizer: path.join(ws.modelDir, 'tokenizer.json') };
  fs.writeFileSync(ws.experimentFile, JSON.stringify({ ...experiment, model, evaluation: { maxNewTokens: 6, batchSize: 1024 }, training: { maxLength: 4096 } }));
  const { ctx, events } = recording();
  await assert.rejects(runJobRequest({ kind: 'evaluate', experimentFile: ws.experimentFile, limit: 1 }, ctx), /this evaluate needs ≈ [\d.]+ GiB at 1024 × 4096 tokens.*(Set evaluation\.batchSize \d+|the model is too large for this machine)/);
  assert.equal(fs.existsSync(path.join(ws.dir, '.smoe', 'runs')), false, 'no run folder');
  assert.deepEqual(loadSteps(events), [], 'nothing was loaded');
});
