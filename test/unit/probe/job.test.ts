// The `probe` job end to end on a generated HF-format model: run folder, sensitivity.json, sampling, events,
// timings, cancellation with partial results.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { PROBE_SAMPLES_FILE, type ProbeSamplesFile } from '../../../src/core/algo/probeSamples';
import { readSensitivity } from '../../../src/core/algo/sensitivity';
import { sampleIndices } from '../../../src/core/data';
import { JobCancelledError } from '../../../src/core/runFolder/context';
import { runJobRequest } from '../../../src/core/dispatch/dispatch';
import { readRunEvents, readRunRecord } from '../../../src/core/runFolder/runFolder';
import { recordingContext, tempDir } from './helpers';
import { writeProbeWorkspace } from './workspace';

const MODULES = (layers: number) => Array.from({ length: layers }, (_, l) => [`model.layers.${l}.self_attn.q_proj`, `model.layers.${l}.self_attn.v_proj`, `model.layers.${l}.mlp.down_proj`]).flat();

/** sensitivity-examples.json: the per-example values of every probed example, summing to the table's S_t(W). */
function assertPerExampleValues(runDir: string, tasks: Record<string, Record<string, number>>): void {
  const stored = JSON.parse(fs.readFileSync(path.join(runDir, PROBE_SAMPLES_FILE), 'utf8')) as ProbeSamplesFile;
  for (const [task, values] of Object.entries(tasks)) {
    const { modules, examples } = stored.tasks[task];
    assert.deepEqual(modules, Object.keys(values));
    assert.equal(examples.length, 5);
    modules.forEach((name, m) => {
      const sum = examples.reduce((a, e) => a + e.values[m], 0);
      assert.ok(Math.abs(sum - values[name]) <= 1e-9 * values[name], `${task} ${name}: ${sum} vs ${values[name]}`);
    });
  }
  const report = JSON.parse(fs.readFileSync(path.join(runDir, 'stability.json'), 'utf8')) as { curve: unknown[]; voteFrequency: Record<string, Record<string, number>> };
  assert.equal(report.curve.length, 4);
  assert.deepEqual(Object.keys(report.voteFrequency), Object.keys(tasks));
}

describe('probe job', () => {
  it('writes sensitivity.json with every target module per task, meta, events and timings in a run folder', async () => {
    const ws = writeProbeWorkspace(tempDir());
    const ctx = recordingContext();
    let claimed: string | undefined;
    const outcome = await runJobRequest({ kind: 'probe', experimentFile: ws.experimentFile }, ctx, (dir) => { claimed = dir; });
    assert.equal(outcome.runDir, claimed);
    const runDir = outcome.runDir!;
    assert.ok(runDir.startsWith(path.join(ws.dir, '.smoe', 'runs')) && /-probe$/.test(runDir));
    const file = path.join(runDir, 'sensitivity.json');
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { tasks: Record<string, Record<string, number>>; meta: Record<string, unknown> };
    assert.deepEqual(Object.keys(raw.tasks), ['text', 'tokens']);
    for (const values of Object.values(raw.tasks)) {
      assert.deepEqual(Object.keys(values), MODULES(2));
      assert.ok(Object.values(values).every((v) => Number.isFinite(v) && v > 0));
    }
    assert.deepEqual(raw.meta.examples, { text: 5, tokens: 5 });
    assert.equal(raw.meta.samplesPerTask, 5);
    assert.equal(raw.meta.seed, 3);
    assert.equal(raw.meta.maxLength, 256);
    assert.equal(raw.meta.method, 'auto');
    const methods = raw.meta.methods as { ghost: number; direct: number };
    assert.equal(methods.ghost + methods.direct, 6, 'one form per target module for the whole job');
    assert.equal(raw.meta.clip, null);
    assert.equal(raw.meta.device, 'cpu');
    assert.equal(raw.meta.partial, undefined);
    assert.deepEqual(readSensitivity(runDir).tasks, raw.tasks);

    const record = readRunRecord(runDir)!;
    assert.equal(record.status, 'succeeded');
    assert.ok(record.timings.probeSeconds > 0 && record.timings.totalSeconds >= record.timings.probeSeconds);
    const { stability, ...summary } = record.summary ?? {};
    assert.deepEqual({ ...summary, seconds: 0 }, { tasks: 2, modules: 6, examples: { text: 5, tokens: 5 }, seconds: 0 });
    assert.match(String(stability), /^5 samples\/task: \d+ % of the allocation is stable/);
    assertPerExampleValues(runDir, raw.tasks);
    const events = readRunEvents(runDir);
    const probed = events.filter((e) => e.event === 'metric' && e.type === 'probe-example');
    assert.equal(probed.length, 10);
    const textIndices = probed.filter((e) => e.event === 'metric' && e.type === 'probe-example' && e.task === 'text').map((e) => (e.event === 'metric' && e.type === 'probe-example' ? e.index : -1));
    assert.deepEqual(textIndices.sort((a, b) => a - b), sampleIndices(9, 5, 3), 'the seeded sample of 5 out of 9');
    assert.ok(events.some((e) => e.event === 'artifact' && e.name === 'sensitivity.json'));
  });

  it('probes every example in file order when samplesPerTask >= the count, and the same seed gives the same table', async () => {
    const ws = writeProbeWorkspace(tempDir(), { samplesPerTask: 50, method: 'ghost' });
    const first = await runJobRequest({ kind: 'probe', experimentFile: ws.experimentFile }, recordingContext());
    const second = await runJobRequest({ kind: 'probe', experimentFile: ws.experimentFile }, recordingContext());
    const a = readSensitivity(first.runDir!);
    assert.deepEqual(a.meta?.examples, { text: 9, tokens: 6 });
    assert.deepEqual(readSensitivity(second.runDir!).tasks, a.tasks);
  });

  it('cancelled between batches: run.json says cancelled, sensitivity.json keeps what was done with meta.partial', async () => {
    const ws = writeProbeWorkspace(tempDir(), { samplesPerTask: 50 });
    const controller = new AbortController();
    const ctx = recordingContext(controller, (e) => { if (e.done === 8) controller.abort(); });
    let runDir = '';
    await assert.rejects(runJobRequest({ kind: 'probe', experimentFile: ws.experimentFile }, ctx, (dir) => { runDir = dir; }), JobCancelledError);
    const table = readSensitivity(runDir);
    assert.equal(table.meta?.partial, true);
    assert.deepEqual(table.meta?.examples, { text: 8 });
    assert.deepEqual(Object.keys(table.tasks), ['text']);
    assert.ok(Object.values(table.tasks.text).every((v) => v > 0));
    const record = readRunRecord(runDir)!;
    assert.equal(record.status, 'cancelled');
    assert.equal(record.summary?.partial, true);
    assert.ok(record.timings.probeSeconds > 0);
  });

  it('refuses a task whose sampled examples all lose every scored token to truncation, before any run folder', async () => {
    const ws = writeProbeWorkspace(tempDir(), { maxLength: 40 });
    let runDir = '';
    await assert.rejects(runJobRequest({ kind: 'probe', experimentFile: ws.experimentFile }, recordingContext(), (dir) => { runDir = dir; }),
      /text\.json: task "text" has nothing to learn from: every label of its 5 record\(s\) is -100 after cutting to 40 tokens \(probe\.maxLength\); .* raise probe\.maxLength/);
    assert.equal(runDir, '', 'no run folder: sensitivities of zero would look like a result');
  });

  it('fails with a message naming the file when a pre-tokenized id is outside the vocabulary', async () => {
    const ws = writeProbeWorkspace(tempDir());
    fs.writeFileSync(ws.tokensFile, `${JSON.stringify({ input_ids: [1, 5, 999], labels: [1, 5, 999] })}\n`);
    let runDir = '';
    await assert.rejects(runJobRequest({ kind: 'probe', experimentFile: ws.experimentFile }, recordingContext(), (dir) => { runDir = dir; }),
      /tokens\.jsonl:1: "input_ids"\[2\] is token id 999, outside the vocabulary of 288 tokens .* re-tokenize/);
    assert.equal(runDir, '', 'refused before the run folder is made');
  });
});
