// Evaluated training runs outside sweeps as comparison rows: grouped by configuration, seeds across runs give
// mean ± 95% CI, paired differences on common seeds and test examples, across experiment files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { evaluatedRuns, type RunFolderRef } from '../../../src/core/jobs/runResults';
import { configurationResults } from '../../../src/core/jobs/sweepSummary';
import type { RunRecord } from '../../../src/core/runFolder/runFolder';
import { collectComparison, comparisonCsv, type ComparisonSource } from '../../../src/panel/collect/comparison';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-run-results-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const TASKS = ['copy', 'add'];
const VOTE = { strategy: 'vote' as const, budget: { kind: 'loraRank' as const, value: 8 }, percentile: 60 };
const UNIFORM = { strategy: 'uniform' as const, budget: { kind: 'loraRank' as const, value: 8 } };
let clock = 0;

function runFolder(kind: 'train' | 'evaluate', fields: Partial<RunRecord>): RunFolderRef {
  clock++;
  const id = `20260301-1000${String(clock).padStart(2, '0')}-${kind}`;
  const dir = path.join(root, id);
  fs.mkdirSync(dir, { recursive: true });
  const record: RunRecord = { id, kind, status: 'succeeded', startedAt: new Date(Date.UTC(2026, 2, 1, 10, 0, clock)).toISOString(), pid: 1, timings: {}, ...fields };
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(record));
  return { dir, record };
}

interface TrainOptions {
  seed: number;
  allocation?: object;
  experts?: Record<string, number>;
  overrides?: Record<string, number>;
  params?: number;
}

function train(o: TrainOptions): RunFolderRef {
  const adapter = { style: 'shared-a', rank: 4, experts: o.experts ?? { 'model.layers.0.self_attn.q_proj': 2, 'model.layers.0.self_attn.v_proj': 1 } };
  const config = { adapter, training: { seed: o.seed, maxSteps: 60, learningRate: 0.01, checkpointEvery: 10 }, ...(o.allocation ? { allocation: o.allocation } : {}) };
  return runFolder('train', { config, summary: { trainableParams: o.params ?? 1000 }, ...(o.overrides ? { overrides: o.overrides } : {}) });
}

/** An evaluation of `trained` where example i of every task is right when `correct[i]` is 1. */
function evaluate(trained: RunFolderRef, correct: number[], loss = 1): RunFolderRef {
  const run = runFolder('evaluate', { config: { adapter: trained.dir, evaluation: { maxNewTokens: 8 }, limit: null } });
  const accuracy = correct.reduce((a, b) => a + b, 0) / correct.length;
  const task = { accuracy, loss, examples: correct.length, correct: correct.filter(Boolean).length, perExample: { correct, loss: correct.map(() => loss) } };
  const report = { tasks: Object.fromEntries(TASKS.map((t) => [t, task])), average: { accuracy, loss, examples: 2 * correct.length, correct: 0 }, adapter: trained.dir, model: 'model', maxNewTokens: 8, createdAt: run.record.startedAt };
  fs.writeFileSync(path.join(run.dir, 'eval.json'), JSON.stringify(report));
  return run;
}

/** Newest first, as the run store lists them. */
const newestFirst = (runs: RunFolderRef[]) => [...runs].reverse();

describe('evaluatedRuns', () => {
  it('groups each training run\'s newest evaluation by configuration; the seeds give the interval', () => {
    const a = train({ seed: 7, allocation: VOTE });
    const b = train({ seed: 8, allocation: VOTE });
    const runs = [a, evaluate(a, [0, 0, 0, 0]), evaluate(a, [1, 1, 0, 0]), b, evaluate(b, [1, 1, 1, 0])];
    const found = evaluatedRuns(newestFirst(runs));
    assert.deepEqual(found.map((r) => [r.key, r.seed, r.report.average.accuracy]), [['vote-p60-loraRank8', 7, 0.5], ['vote-p60-loraRank8', 8, 0.75]]);
    const results = configurationResults(found);
    assert.equal(results.configurations.length, 1);
    assert.deepEqual(results.configurations[0].seeds, [7, 8]);
    assert.equal(results.configurations[0].accuracy.mean, 0.625);
    assert.ok((results.configurations[0].accuracy.high as number) > 0.625, 'two seeds give an interval');
    assert.equal(results.configurations[0].trainableParams, 1000);
  });

  it('plain LoRA by its one expert per module; the file\'s configuration for runs that did not record one; failed, unevaluated and seedless runs are left out', () => {
    const plain = train({ seed: 1, allocation: UNIFORM, experts: { 'model.layers.0.self_attn.q_proj': 1, 'model.layers.0.self_attn.v_proj': 1 } });
    const older = train({ seed: 1 });
    const failed = runFolder('train', { status: 'failed', config: { training: { seed: 2 } } });
    const unevaluated = train({ seed: 3, allocation: UNIFORM });
    const seedless = runFolder('train', { config: { adapter: { experts: {} }, training: {} } });
    const runs = [plain, evaluate(plain, [1, 0]), older, evaluate(older, [1, 1]), failed, evaluate(failed, [1, 1]), unevaluated, seedless, evaluate(seedless, [1, 1])];
    const found = evaluatedRuns(newestFirst(runs), UNIFORM);
    assert.deepEqual(found.map((r) => r.key), ['lora-loraRank8', 'uniform-loraRank8']);
    assert.deepEqual(evaluatedRuns(newestFirst(runs)).map((r) => r.key), ['lora-loraRank8'], 'no configuration known for the older run');
  });

  it('other training settings make another configuration, named by the overrides; a seed trained again counts once', () => {
    const a = train({ seed: 1, allocation: UNIFORM });
    const again = train({ seed: 1, allocation: UNIFORM });
    const longer = train({ seed: 1, allocation: UNIFORM, overrides: { maxSteps: 120, seed: 1 } });
    (longer.record.config as { training: { maxSteps: number } }).training.maxSteps = 120;
    fs.writeFileSync(path.join(longer.dir, 'run.json'), JSON.stringify(longer.record));
    const reallocated = train({ seed: 2, allocation: UNIFORM, experts: { 'model.layers.0.self_attn.q_proj': 3 } });
    const runs = [a, evaluate(a, [0, 0]), again, evaluate(again, [1, 1]), longer, evaluate(longer, [1, 0]), reallocated, evaluate(reallocated, [1, 0])];
    const found = evaluatedRuns(newestFirst(runs));
    assert.deepEqual(found.map((r) => [r.key, r.seed, r.report.average.accuracy]), [
      ['uniform-loraRank8', 1, 1], ['uniform-loraRank8 (maxSteps 120)', 1, 0.5], ['uniform-loraRank8 #2', 2, 0.5],
    ]);
  });
});

describe('collectComparison with evaluated runs of several experiment files', () => {
  function sourceOf(experiment: string, runs: RunFolderRef[]): ComparisonSource {
    return { id: experiment, experiment, results: configurationResults(evaluatedRuns(newestFirst(runs))) };
  }

  it('one table across files: the differing parameters, mean ± CI, paired differences on the common seeds, and the CSV', () => {
    const vote = [7, 8, 9].flatMap((seed) => { const t = train({ seed, allocation: VOTE, params: 900 }); return [t, evaluate(t, [1, 1, 1, 1], 0.5 + seed / 100)]; });
    const uniform = [7, 8, 9].flatMap((seed) => { const t = train({ seed, allocation: UNIFORM, params: 1000 }); return [t, evaluate(t, [1, 1, 0, 0], 0.9 - seed / 100)]; });
    const lora = [7, 8].flatMap((seed) => { const t = train({ seed, allocation: UNIFORM, experts: { 'model.layers.0.self_attn.q_proj': 1 }, params: 1100 }); return [t, evaluate(t, [0, 0, 0, 0])]; });
    const view = collectComparison([sourceOf('demo.smoe.json', vote), sourceOf('demo-uniform.smoe.json', uniform), sourceOf('demo-lora.smoe.json', lora)], 'demo-uniform.smoe.json/uniform-loraRank8')!;
    assert.deepEqual(view.rows.map((r) => r.id), ['demo.smoe.json/vote-p60-loraRank8', 'demo-uniform.smoe.json/uniform-loraRank8', 'demo-lora.smoe.json/lora-loraRank8']);
    assert.deepEqual(view.params, ['experiment', 'strategy', 'percentile'], 'no sweep column for runs outside sweeps; the budget is the same');
    assert.deepEqual(view.rows.map((r) => r.params.strategy), ['vote', 'uniform', 'plain LoRA']);
    assert.deepEqual([view.sweeps, view.experimentsWithRuns], [0, 3]);
    assert.deepEqual(view.rows[0].seeds, [7, 8, 9]);
    assert.match(view.rows[0].loss.text, /^0\.\d{3}±0\.\d{3}$/, 'the loss differs across seeds: an interval');
    const difference = view.rows[0].difference!;
    assert.ok(Math.abs(difference.accuracy.estimate - 0.5) < 1e-12, 'vote − uniform on seeds 7, 8, 9 and the same test examples');
    assert.equal(difference.accuracy.verdict, 'better');
    assert.equal(view.rows[2].difference?.accuracy.verdict, 'worse', 'plain LoRA pairs on seeds 7 and 8');
    assert.deepEqual(view.rows.filter((r) => r.pareto).map((r) => r.configuration), ['vote-p60-loraRank8']);
    const csv = comparisonCsv(view, view.rows.map((r) => r.id)).trim().split('\n');
    assert.deepEqual(csv[0].split(',').slice(0, 6), ['configuration', 'experiment', 'strategy', 'percentile', 'seeds', 'trainable params']);
    assert.deepEqual(csv[1].split(',').slice(0, 6), ['vote-p60-loraRank8', 'demo.smoe.json', 'vote', '60', '7 8 9', '900']);
  });

  it('runs outside sweeps beside a sweep of another file: the sweep column tells them apart', () => {
    const t = train({ seed: 1, allocation: UNIFORM });
    const runs = sourceOf('a.smoe.json', [t, evaluate(t, [1, 0])]);
    const sweep: ComparisonSource = { ...sourceOf('b.smoe.json', [t, evaluate(t, [1, 1])]), id: '20260301-sweep', sweep: '20260301-sweep' };
    const view = collectComparison([runs, sweep], undefined)!;
    assert.deepEqual(view.rows.map((r) => [r.id, r.params.sweep]), [['a.smoe.json/uniform-loraRank8', '—'], ['20260301-sweep/uniform-loraRank8', '20260301-sweep']]);
    assert.deepEqual(view.params, ['experiment', 'sweep']);
    assert.deepEqual([view.sweeps, view.experimentsWithRuns], [1, 1]);
  });
});
