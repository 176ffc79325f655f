import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { JobCancelledError, silentReporter, type JobContext } from '../../../src/core/runFolder/context';
import { runPhases, type DemoPhase } from '../../../src/core/demo/phases';
import { readState, STATE_FILE } from '../../../src/core/demo/state';

function context(signal = new AbortController().signal): JobContext {
  return { ...silentReporter, signal };
}

/** A phase that writes `<id>.txt` and counts its runs. */
function filePhase(workspace: string, id: string, runs: string[], fail?: () => void): DemoPhase {
  return {
    id,
    label: id,
    run: async () => {
      fail?.();
      runs.push(id);
      const file = path.join(workspace, `${id}.txt`);
      fs.writeFileSync(file, id);
      return { files: [file] };
    },
  };
}

describe('demo phase runner', () => {
  it('records finished phases and skips them on the next run', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-phases-'));
    const runs: string[] = [];
    const phases = ['a', 'b'].map((id) => filePhase(workspace, id, runs));
    await runPhases(phases, { workspace, state: readState(workspace, 'k').state, ctx: context() });
    await runPhases(phases, { workspace, state: readState(workspace, 'k').state, ctx: context() });
    assert.deepEqual(runs, ['a', 'b']);
    const saved = JSON.parse(fs.readFileSync(path.join(workspace, STATE_FILE), 'utf8'));
    assert.deepEqual(saved.phases.a.files, ['a.txt']);
  });

  it('reruns a phase whose output was deleted, and starts over when the settings change', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-phases-'));
    const runs: string[] = [];
    const phases = ['a', 'b'].map((id) => filePhase(workspace, id, runs));
    await runPhases(phases, { workspace, state: readState(workspace, 'k').state, ctx: context() });
    fs.rmSync(path.join(workspace, 'b.txt'));
    await runPhases(phases, { workspace, state: readState(workspace, 'k').state, ctx: context() });
    assert.deepEqual(runs, ['a', 'b', 'b']);
    const other = readState(workspace, 'other');
    assert.equal(other.reset, true);
    assert.deepEqual(other.state.phases, {});
  });

  it('keeps completed phases when a later one is cancelled', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-phases-'));
    const runs: string[] = [];
    const controller = new AbortController();
    const phases = [
      filePhase(workspace, 'a', runs),
      filePhase(workspace, 'b', runs, () => { controller.abort(); throw new JobCancelledError(); }),
      filePhase(workspace, 'c', runs),
    ];
    await assert.rejects(runPhases(phases, { workspace, state: readState(workspace, 'k').state, ctx: context(controller.signal) }), JobCancelledError);
    const { state } = readState(workspace, 'k');
    assert.deepEqual(Object.keys(state.phases), ['a']);
  });
});
