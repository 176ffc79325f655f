// Training curves, the evaluation table and the whole snapshot, from the dashboard fixture.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { collectEvaluation } from '../../../src/panel/collect/evaluation';
import { collectSnapshot, type DashboardRun } from '../../../src/panel/collect/snapshot';
import { collectTraining, trainSteps } from '../../../src/panel/collect/training';
import { sampleIndices } from '../../../src/panel/collect/series';
import type { RunEvent } from '../../../src/core/runFolder/runFolder';
import { FIXTURE_RUNS, fixtureEval, fixtureEvents, fixtureRecord, RUN_IDS, TASKS } from '../../fixtures/runs/dashboardWorkspace';

const trainRuns = () => [RUN_IDS.failedTrain, RUN_IDS.train].map((id) => ({ id, status: fixtureRecord(id).status, events: fixtureEvents(id), maxSteps: 60 }));

describe('collectTraining', () => {
  it('shows the newest succeeded run by default, with every series on the step axis', () => {
    const view = collectTraining(trainRuns())!;
    assert.equal(view.runId, RUN_IDS.train);
    assert.deepEqual(view.runs.map((r) => r.id), [RUN_IDS.failedTrain, RUN_IDS.train]);
    assert.equal(view.steps.length, 60);
    assert.deepEqual([view.steps[0], view.steps.at(-1)], [1, 60]);
    for (const series of [view.loss, view.learningRate, view.gradNorm, view.tokensPerSecond]) assert.equal(series.length, 60);
    assert.deepEqual(Object.keys(view.taskLoss), TASKS);
    assert.ok(view.loss[59] < view.loss[0], 'the fixture loss falls');
    assert.equal(view.lastStep, 60);
    assert.equal(view.maxSteps, 60);
  });

  it('router load comes from the last step that reported it, one share per expert', () => {
    const view = collectTraining(trainRuns())!;
    const v0 = view.routerLoad.find((r) => r.module === 'model.layers.0.self_attn.v_proj');
    assert.equal(v0?.meanGate.length, 3);
    assert.ok(Math.abs(v0!.meanGate.reduce((a, b) => a + b, 0) - 1) < 1e-3);
  });

  it('a picked run and compared runs', () => {
    const view = collectTraining(trainRuns(), RUN_IDS.failedTrain, [RUN_IDS.train])!;
    assert.equal(view.runId, RUN_IDS.failedTrain);
    assert.equal(view.lastStep, 12);
    assert.deepEqual(view.compare.map((c) => [c.runId, c.steps.length]), [[RUN_IDS.train, 60]]);
  });

  it('a resumed run that repeats steps keeps the last report of each; long runs are thinned', () => {
    const step = (n: number, loss: number): RunEvent => ({ t: n, event: 'metric', type: 'train-step', step: n, loss, taskLoss: {}, learningRate: 0, gradNorm: 0, tokensPerSecond: 0 });
    assert.deepEqual(trainSteps([step(1, 3), step(2, 2), step(2, 1.5), step(3, 1)]).map((s) => s.loss), [3, 1.5, 1]);
    const long = Array.from({ length: 5000 }, (_, i) => step(i + 1, 1));
    const view = collectTraining([{ id: 'x', status: 'running', events: long }], undefined, [], 500)!;
    assert.ok(view.steps.length <= 500);
    assert.deepEqual([view.steps[0], view.steps.at(-1)], [1, 5000]);
    assert.deepEqual(sampleIndices(3, 10), [0, 1, 2]);
  });
});

describe('collectEvaluation', () => {
  const runs = [RUN_IDS.tunedEval, RUN_IDS.baseEval].map((id) => ({ id, report: fixtureEval(id) }));

  it('puts the base model first and marks the best accuracy (max) and loss (min) per column', () => {
    const view = collectEvaluation(runs)!;
    assert.deepEqual(view.tasks, TASKS);
    assert.deepEqual(view.rows.map((r) => r.label), [`base model · eval ${RUN_IDS.baseEval}`, `adapter 20260301-103000-train · eval ${RUN_IDS.tunedEval}`]);
    assert.deepEqual(view.rows.map((r) => r.adapterRun), [undefined, '20260301-103000-train']);
    for (const column of [...TASKS, 'average']) {
      assert.equal(view.bestAccuracy[column], 1, column);
      assert.equal(view.bestLoss[column], 1, column);
    }
    assert.equal(view.rows[0].accuracy.boolq, 0.5);
  });

  it('a task missing from a run is empty, not zero; a column of equal values or a single value has no best', () => {
    const base = fixtureEval(RUN_IDS.baseEval);
    const other = { ...base, adapter: 'runs/x', tasks: { boolq: base.tasks.boolq } };
    const view = collectEvaluation([{ id: 'b', report: other }, { id: 'a', report: base }])!;
    assert.equal(view.bestAccuracy.boolq, undefined, 'both rows tie on boolq');
    assert.equal(view.rows[1].accuracy.piqa, null);
    assert.equal(view.bestAccuracy.piqa, undefined, 'only one row measured piqa');
    assert.equal(collectEvaluation([]), undefined);
  });

  it('an evaluation that measured nothing (0 examples, loss 0) never wins best', () => {
    const base = fixtureEval(RUN_IDS.baseEval);
    const empty = { ...base, adapter: 'runs/empty', tasks: { boolq: { accuracy: 0, loss: 0, examples: 0, correct: 0 } }, average: { accuracy: 0, loss: 0, examples: 0, correct: 0 } };
    const view = collectEvaluation([{ id: 'e', report: empty }, { id: 'a', report: base }, { id: 't', report: fixtureEval(RUN_IDS.tunedEval) }])!;
    const emptyRow = view.rows.findIndex((r) => r.runId === 'e');
    assert.deepEqual([view.rows[emptyRow].loss.boolq, view.rows[emptyRow].loss.average, view.rows[emptyRow].accuracy.average], [null, null, null]);
    for (const column of [...TASKS, 'average']) {
      assert.notEqual(view.bestLoss[column], emptyRow, column);
      assert.notEqual(view.bestAccuracy[column], emptyRow, column);
    }
  });
});

describe('collectSnapshot', () => {
  const entry = (id: string) => ({ id, dir: path.join(FIXTURE_RUNS, id), record: fixtureRecord(id) });
  const runs: DashboardRun[] = Object.values(RUN_IDS).reverse().map((id) => ({
    entry: entry(id), figures: {}, events: fixtureEvents(id), evalReport: id.endsWith('evaluate') ? fixtureEval(id) : undefined,
  }));
  const base = { experiment: { file: '/w/d.smoe.json', label: 'd.smoe.json', name: 'd' }, trusted: true, runs, jobs: [], selection: {} };

  it('fills training and evaluation and lists every run; without a plan it says what is missing', () => {
    const snapshot = collectSnapshot(base);
    assert.equal(snapshot.runs.length, 5);
    assert.equal(snapshot.training?.runId, RUN_IDS.train);
    assert.equal(snapshot.evaluation?.rows.length, 2);
    assert.equal(snapshot.sensitivity, undefined);
    assert.deepEqual(snapshot.notes, []);
    assert.equal(snapshot.runs.find((r) => r.id === RUN_IDS.failedTrain)?.error, 'the background worker was killed (SIGKILL)');
  });

  it('compare restricts the table to the picked evaluations and overlays the picked training runs', () => {
    const snapshot = collectSnapshot({ ...base, selection: { compare: [RUN_IDS.tunedEval, RUN_IDS.train, RUN_IDS.failedTrain] } });
    assert.deepEqual(snapshot.evaluation?.rows.map((r) => r.runId), [RUN_IDS.tunedEval]);
    assert.equal(snapshot.training?.compare.length, 1);
  });

  it('run rows carry the label, note, key parameters, overrides and the one date format', () => {
    const labelled = runs.map((r) => (r.entry.id === RUN_IDS.train
      ? { ...r, entry: { ...r.entry, record: { ...r.entry.record, label: 'lr sweep', note: 'seed 7', overrides: { learningRate: 0.01 } } } }
      : r));
    const rows = collectSnapshot({ ...base, runs: labelled }).runs;
    const train = rows.find((r) => r.id === RUN_IDS.train)!;
    assert.deepEqual([train.label, train.note, train.overrides], ['lr sweep', 'seed 7', 'lr 0.01']);
    assert.equal(train.params, 'maxSteps 60');
    assert.match(train.started, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    assert.equal(rows.find((r) => r.id === RUN_IDS.baseEval)?.params, undefined, 'an old evaluation without its config has no parameters');
  });

  it('notes the missing training and evaluation runs', () => {
    const snapshot = collectSnapshot({ ...base, runs: runs.filter((r) => r.entry.record.kind === 'probe') });
    assert.equal(snapshot.notes.length, 2);
    assert.match(snapshot.notes.join('\n'), /run "Train"/);
    assert.match(snapshot.notes.join('\n'), /run "Evaluate"/);
  });

  it('the memory line: each job\'s predicted peak in GiB against the machine, and which do not fit', () => {
    const GIB = 2 ** 30;
    const memory = { limitBytes: 24 * GIB, jobs: [{ kind: 'probe' as const, peakBytes: 4.5 * GIB }, { kind: 'train' as const, peakBytes: 30 * GIB }] };
    const view = collectSnapshot({ ...base, memory }).memory;
    assert.deepEqual(view, { machineGiB: 24, jobs: [{ kind: 'probe', peakGiB: 4.5, fits: true }, { kind: 'train', peakGiB: 30, fits: false }] });
    assert.equal(collectSnapshot(base).memory, undefined);
  });
});
