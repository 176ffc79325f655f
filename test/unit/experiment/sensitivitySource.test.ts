import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { newestProbeRun, probeRunsSignature, sensitivitySourceFor } from '../../../src/core/experiment/sensitivitySource';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-sensitivity-source-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(root: string, id: string, record: Record<string, unknown>, withSensitivity = true): void {
  const dir = path.join(root, id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ id, pid: process.pid, timings: {}, ...record }));
  if (withSensitivity) fs.writeFileSync(path.join(dir, 'sensitivity.json'), '{"tasks":{}}');
}

describe('sensitivity sources', () => {
  const experiment = path.join(tmp, 'exp.smoe.json');
  const runs = path.join(tmp, '.smoe', 'runs');
  run(runs, '20260101-100000-probe', { kind: 'probe', status: 'succeeded', startedAt: '2026-01-01T10:00:00Z', finishedAt: '2026-01-01T10:01:00Z', experiment });
  run(runs, '20260102-100000-probe', { kind: 'probe', status: 'succeeded', startedAt: '2026-01-02T10:00:00Z', finishedAt: '2026-01-02T10:01:00Z', experiment });
  run(runs, '20260103-100000-probe', { kind: 'probe', status: 'failed', startedAt: '2026-01-03T10:00:00Z', experiment });
  run(runs, '20260104-100000-probe', { kind: 'probe', status: 'succeeded', startedAt: '2026-01-04T10:00:00Z', experiment: path.join(tmp, 'other.smoe.json') });
  run(runs, '20260105-100000-train', { kind: 'train', status: 'succeeded', startedAt: '2026-01-05T10:00:00Z', experiment });

  it('picks the newest succeeded probe run of this experiment', () => {
    assert.deepEqual(newestProbeRun(runs, experiment), {
      location: path.join(runs, '20260102-100000-probe', 'sensitivity.json'),
      origin: 'probe run',
      runId: '20260102-100000-probe',
    });
    assert.equal(newestProbeRun(path.join(tmp, 'none'), experiment), undefined);
  });

  it('prefers allocation.sensitivity, resolved against the experiment folder', () => {
    const source = sensitivitySourceFor({ allocation: { sensitivity: 'ref/jsonl' } }, experiment, runs);
    assert.deepEqual(source, { location: path.join(tmp, 'ref', 'jsonl'), origin: 'allocation.sensitivity' });
    assert.equal(sensitivitySourceFor({}, experiment, runs)?.runId, '20260102-100000-probe');
  });

  it('changes its probe-runs signature when a probe run appears, finishes or goes away, not for other runs', () => {
    const root = path.join(tmp, 'signature', '.smoe', 'runs');
    assert.equal(probeRunsSignature(root), '');
    fs.mkdirSync(root, { recursive: true });
    const empty = probeRunsSignature(root);
    run(root, '20260106-100000-train', { kind: 'train', status: 'succeeded', startedAt: '2026-01-06T10:00:00Z', experiment });
    assert.equal(probeRunsSignature(root), empty);
    run(root, '20260106-110000-probe', { kind: 'probe', status: 'running', startedAt: '2026-01-06T11:00:00Z', experiment }, false);
    const running = probeRunsSignature(root);
    assert.notEqual(running, empty);
    assert.equal(probeRunsSignature(root), running, 'stable while nothing changes');
    run(root, '20260106-110000-probe', { kind: 'probe', status: 'succeeded', startedAt: '2026-01-06T11:00:00Z', finishedAt: '2026-01-06T11:01:00Z', experiment });
    const finished = probeRunsSignature(root);
    assert.notEqual(finished, running);
    fs.rmSync(path.join(root, '20260106-110000-probe'), { recursive: true });
    assert.equal(probeRunsSignature(root), empty);
  });
});
