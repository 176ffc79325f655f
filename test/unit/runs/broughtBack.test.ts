// Runs brought back from another machine (smoe.extraRunRoots): listed from a folder of runs or a single run
// folder, a missing or corrupt file named as "incomplete", a run still going elsewhere kept as running.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readRunRecord } from '../../../src/core/runFolder/runFolder';
import { encodeSafetensors } from '../../../src/core/model/safetensors';
import { mergeRuns, runsInRoots } from '../../../src/runs/broughtBack';
import { listRuns } from '../../../src/runs/runListing';
import { collectRunItem } from '../../../src/views/runItem';

const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-brought-'));

function writeRun(root: string, id: string, record: Record<string, unknown> = {}, files: Record<string, string | Uint8Array> = {}): string {
  const dir = path.join(root, id);
  fs.mkdirSync(dir, { recursive: true });
  const full = { id, kind: 'train', status: 'succeeded', startedAt: `2026-05-0${id.length % 9}T00:00:00Z`, pid: 1, host: 'cluster-node-7', timings: {}, ...record };
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(full));
  fs.writeFileSync(path.join(dir, 'events.jsonl'), '{"t":1,"event":"metric","type":"train-step","step":1,"loss":2,"taskLoss":{},"learningRate":0.1,"gradNorm":1,"tokensPerSecond":5}\n');
  for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), data);
  return dir;
}

const ADAPTER = encodeSafetensors(new Map([['base_model.model.x.lora_A.weight', { dims: [1, 2], data: new Float32Array([1, 2]) }]]));
const COMPLETE = { 'adapter.safetensors': ADAPTER, 'adapter_config.json': '{"r": 4}', 'experts.json': '{}' };

describe('runs brought back', () => {
  it('lists complete runs plainly and names the missing or corrupt file of the others', () => {
    const root = temp();
    writeRun(root, '20260501-100000-train', {}, COMPLETE);
    writeRun(root, '20260501-110000-train', {}, { ...COMPLETE, 'adapter.safetensors': ADAPTER.slice(0, ADAPTER.length - 3) });
    writeRun(root, '20260501-120000-train', {}, { 'adapter.safetensors': ADAPTER, 'adapter_config.json': '{"r": ', 'experts.json': '{}' });
    writeRun(root, '20260501-130000-probe', { kind: 'probe' });
    const noRecord = path.join(root, '20260501-140000-train');
    fs.mkdirSync(noRecord);
    fs.writeFileSync(path.join(noRecord, 'events.jsonl'), '');
    fs.mkdirSync(path.join(root, 'notes'));
    const byId = Object.fromEntries(runsInRoots([root]).map((r) => [r.id, r.incomplete ?? 'complete']));
    assert.deepEqual(byId, {
      '20260501-100000-train': 'complete',
      '20260501-110000-train': 'adapter.safetensors is corrupt',
      '20260501-120000-train': 'adapter_config.json is corrupt',
      '20260501-130000-probe': 'sensitivity.json is missing',
      '20260501-140000-train': 'run.json is missing',
    });
  });

  it('takes a single run folder as a root, and lists each folder once beside the local runs', () => {
    const root = temp();
    const dir = writeRun(root, '20260502-100000-train', {}, COMPLETE);
    const single = runsInRoots([dir, root, path.join(root, 'absent')]);
    assert.deepEqual(single.map((r) => r.dir), [dir]);
    assert.equal(mergeRuns(listRuns(root), single).length, 1);
  });

  it('keeps a run of another host running (its pid means nothing here) and shows where it runs', () => {
    const root = temp();
    const remote = writeRun(root, '20260503-100000-train', { status: 'running', pid: 999_999_999 });
    const local = writeRun(root, '20260503-110000-train', { status: 'running', pid: 999_999_999, host: os.hostname() });
    assert.equal(readRunRecord(remote)?.status, 'running');
    assert.equal(readRunRecord(local)?.status, 'failed', 'a dead local process still settles as failed');
    const view = collectRunItem({ id: 'r', kind: 'train', status: 'running', figures: {}, elsewhere: 'cluster-node-7' });
    assert.match(view.description, /^running on cluster-node-7/);
  });

  it('shows an incomplete run with a warning that names the file', () => {
    const view = collectRunItem({ id: 'r', kind: 'train', status: 'succeeded', figures: { lastLoss: 1 }, incomplete: 'adapter.safetensors is missing', startedAt: '2026-05-01T00:00:00Z' });
    assert.match(view.description, /^incomplete: adapter\.safetensors is missing/);
    assert.equal(view.icon, 'warning');
    assert.match(view.tooltip, /incomplete: adapter\.safetensors is missing/);
  });
});
