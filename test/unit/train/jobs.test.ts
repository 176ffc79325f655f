// The train and evaluate jobs end to end on a tiny generated model and a two-task synthetic dataset.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { silentReporter, type JobContext, type MetricEvent } from '../../../src/core/runFolder/context';
import { runJobRequest } from '../../../src/core/dispatch/dispatch';
import { exportAdapter } from '../../../src/core/jobs/exportAdapter';
import { evaluatedRuns } from '../../../src/core/jobs/runResults';
import { readRunRecord } from '../../../src/core/runFolder/runFolder';
import { readAdapterFiles } from '../../../src/core/model/adapters/files';
import type { EvalReport } from '../../../src/core/train/evalReport';
import { listRuns } from '../../../src/runs/runListing';
import { writeTinyWorkspace } from './tinyWorkspace';

process.env.HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'train-home-'));

function context(events: MetricEvent[] = []): JobContext {
  return { ...silentReporter, signal: new AbortController().signal, metric: (e) => events.push(e) };
}

// Threshold: 40 steps at lr 5e-2 must cut the held-out loss of each task by at least 25 % (measured on the model layer's
// decoder and tokenization: parity 5.97 -> 2.55, bigger 5.77 -> 2.57, ~56 %).
const REQUIRED_DROP = 0.25;

test('training lowers the held-out loss of every task; eval.json for before and after; export round trip', async () => {
  const ws = writeTinyWorkspace();
  const before = await runJobRequest({ kind: 'evaluate', experimentFile: ws.experimentFile, limit: 4 }, context());
  const events: MetricEvent[] = [];
  const trained = await runJobRequest({ kind: 'train', experimentFile: ws.experimentFile }, context(events));
  const runDir = trained.runDir!;
  assert.equal(readRunRecord(runDir)?.status, 'succeeded');
  assert.equal(trained.summary?.steps, 40);
  const steps = events.filter((e) => e.type === 'train-step');
  assert.equal(steps.length, 40);
  assert.ok(steps.some((e) => e.type === 'train-step' && e.routerLoad?.['model.layers.0.self_attn.v_proj']?.meanGate.length === 3));
  const evalEvents: MetricEvent[] = [];
  const after = await runJobRequest({ kind: 'evaluate', experimentFile: ws.experimentFile, adapterRun: runDir, limit: 4 }, context(evalEvents));
  const b = before.summary?.report as EvalReport;
  const a = after.summary?.report as EvalReport;
  assert.equal(b.adapter, null);
  assert.equal(a.adapter, runDir);
  // The training run records its configuration, so the comparison groups it with other seeds without the file.
  const record = readRunRecord(runDir)?.config as { allocation?: { strategy: string }; training: { seed: number } };
  assert.ok(record.allocation?.strategy, 'config.allocation is recorded');
  const compared = evaluatedRuns(listRuns(path.dirname(runDir)));
  assert.deepEqual(compared.map((r) => [r.seed, r.report.average.accuracy]), [[record.training.seed, a.average.accuracy]], 'the evaluated run is a comparison row; the base-model evaluation is not');
  for (const task of ['parity', 'bigger']) {
    assert.ok(a.tasks[task].loss < (1 - REQUIRED_DROP) * b.tasks[task].loss, `${task}: held-out loss ${b.tasks[task].loss.toFixed(3)} -> ${a.tasks[task].loss.toFixed(3)}`);
    assert.equal(a.tasks[task].examples, 4);
  }
  assert.deepEqual(evalEvents.filter((e) => e.type !== 'placement').map((e) => e.type === 'eval-task' && e.task), ['parity', 'bigger']);
  assert.ok(evalEvents.some((e) => e.type === 'placement' && e.device === 'cpu' && e.offDevice === 0), 'the evaluation graphs report their placement');
  const written = JSON.parse(fs.readFileSync(path.join(after.runDir!, 'eval.json'), 'utf8')) as EvalReport;
  assert.deepEqual(Object.keys(written.tasks), ['parity', 'bigger']);
  assert.ok(typeof written.average.accuracy === 'number');
  const out = path.join(ws.dir, 'exported');
  exportAdapter(runDir, out);
  const reread = readAdapterFiles(out);
  const original = readAdapterFiles(runDir);
  for (const [name, data] of original.params) assert.deepEqual(reread.params.get(name), data);
  assert.deepEqual(reread.config, original.config);
});
