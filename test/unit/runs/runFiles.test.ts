// Reading run folders: listing, per-experiment filtering, artifacts, incremental events, settling dead runs, figures.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readRunRecord } from '../../../src/core/runFolder/runFolder';
import { EventsCache } from '../../../src/runs/eventsCache';
import { runFigures } from '../../../src/runs/runFigures';
import { listArtifacts, listRuns, runsOfExperiment } from '../../../src/runs/runListing';
import { describeExit, settleRunFolder } from '../../../src/runs/runSettle';
import { copyDashboardWorkspace, fixtureExperiment, RUN_IDS } from '../../fixtures/runs/dashboardWorkspace';

const temp = (label: string) => fs.mkdtempSync(path.join(os.tmpdir(), `smoe-${label}-`));

describe('run folders', () => {
  const ws = copyDashboardWorkspace(temp('runs-ws'));

  it('lists runs newest first and keeps those of the experiment (and those naming none)', () => {
    const runs = listRuns(ws.runsRoot);
    assert.deepEqual(runs.map((r) => r.id), [RUN_IDS.failedTrain, RUN_IDS.tunedEval, RUN_IDS.train, RUN_IDS.baseEval, RUN_IDS.probe]);
    const other = path.join(ws.runsRoot, '20260302-000000-probe');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'run.json'), JSON.stringify({ id: 'x', kind: 'probe', status: 'succeeded', experiment: path.join(ws.dir, 'other.smoe.json'), startedAt: '2026-03-02T00:00:00Z', pid: 1, timings: {} }));
    const all = listRuns(ws.runsRoot);
    assert.equal(all.length, 6);
    assert.equal(runsOfExperiment(all, ws.experimentFile).length, 5);
    assert.equal(runsOfExperiment(all, path.join(ws.dir, 'other.smoe.json')).length, 6);
    const moved = path.join(ws.dir, 'moved-away', 'other.smoe.json');
    assert.equal(runsOfExperiment(all, moved).length, 6, 'a project moved with its runs keeps them (the recorded file is gone)');
    fs.writeFileSync(path.join(ws.dir, 'other.smoe.json'), '{}');
    assert.equal(runsOfExperiment(all, moved).length, 5, 'but not when the recorded file still exists');
    fs.rmSync(path.join(ws.dir, 'other.smoe.json'));
    fs.rmSync(other, { recursive: true });
    assert.deepEqual(listRuns(path.join(ws.dir, 'nowhere')), []);
  });

  it('lists artifacts with results first and bookkeeping last', () => {
    assert.deepEqual(listArtifacts(path.join(ws.runsRoot, RUN_IDS.train)).map((a) => a.name), ['adapter_config.json', 'experts.json', 'events.jsonl', 'run.json']);
  });

  it('the key figures: experts of a probe under the file budget, last loss, average accuracy', () => {
    const experiment = fixtureExperiment();
    const byId = new Map(listRuns(ws.runsRoot).map((r) => [r.id, r]));
    const cache = new EventsCache();
    const figures = (id: string) => runFigures(byId.get(id)!, cache.read(byId.get(id)!.dir), experiment);
    assert.deepEqual(figures(RUN_IDS.probe), { totalExperts: 24 });
    assert.equal(figures(RUN_IDS.train).lastStep, 60);
    assert.equal(typeof figures(RUN_IDS.train).lastLoss, 'number');
    assert.equal(figures(RUN_IDS.failedTrain).lastStep, 12);
    assert.ok(Math.abs(figures(RUN_IDS.tunedEval).averageAccuracy! - (0.6875 + 0.625 + 0.59375) / 3) < 1e-5);
  });
});

describe('EventsCache', () => {
  it('reads appended lines only, leaves a torn last line for later, starts over when the file shrinks', () => {
    const dir = temp('events');
    const file = path.join(dir, 'events.jsonl');
    const cache = new EventsCache();
    assert.deepEqual(cache.read(dir), []);
    fs.writeFileSync(file, '{"t":1,"event":"log","level":"info","message":"a"}\n{"t":2,"event":"lo');
    assert.equal(cache.read(dir).length, 1);
    fs.appendFileSync(file, 'g","level":"info","message":"b"}\n');
    assert.deepEqual(cache.read(dir).map((e) => e.t), [1, 2]);
    fs.writeFileSync(file, '{"t":3,"event":"log","level":"info","message":"c"}\n');
    assert.deepEqual(cache.read(dir).map((e) => e.t), [3]);
  });
});

describe('settleRunFolder', () => {
  function runningRun(pid: number): string {
    const dir = temp('settle');
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ id: 'r', kind: 'train', status: 'running', startedAt: new Date().toISOString(), pid, timings: {} }));
    return dir;
  }

  it('marks a running run of that process failed with the reason; leaves finished runs and other writers alone', () => {
    const dir = runningRun(process.pid);
    assert.equal(settleRunFolder(dir, 'failed', 'the background worker was killed (SIGKILL)', 999999), false);
    assert.equal(settleRunFolder(dir, 'failed', 'the background worker was killed (SIGKILL)', process.pid), true);
    const record = readRunRecord(dir);
    assert.equal(record?.status, 'failed');
    assert.equal(record?.error, 'the background worker was killed (SIGKILL)');
    assert.ok(record?.finishedAt);
    assert.equal(settleRunFolder(dir, 'cancelled', 'later'), false);
    assert.equal(settleRunFolder(temp('empty'), 'failed', 'x'), false);
  });

  it('describes exits', () => {
    assert.equal(describeExit(null, 'SIGKILL'), 'the background worker was killed (SIGKILL)');
    assert.equal(describeExit(3, null, 'Error: boom'), 'the background worker exited with code 3: Error: boom');
  });
});
