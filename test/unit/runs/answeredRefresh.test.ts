// A progress row's refreshes: one in flight at a time, answered when VS Code asks for the row's tree item.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnsweredRefresh } from '../../../src/views/throttle';

describe('AnsweredRefresh', () => {
  it('sends a row once until VS Code answers, then once more with what is current, however often it was asked for', () => {
    const sent: string[] = [];
    let now = 0;
    const refresh = new AnsweredRefresh<string>(5_000, (row) => sent.push(row), () => now);
    refresh.request('progress');
    for (let step = 0; step < 15; step++) {
      now += 300;
      refresh.request('progress');
    }
    // A slow workbench (every refresh took seconds) no longer queues 15 refreshes behind each other.
    assert.deepEqual(sent, ['progress']);
    refresh.answered('progress');
    assert.deepEqual(sent, ['progress', 'progress']);
    refresh.answered('progress');
    refresh.answered('progress');
    assert.deepEqual(sent, ['progress', 'progress'], 'an answer with nothing waiting sends nothing');
    refresh.request('progress');
    assert.deepEqual(sent, ['progress', 'progress', 'progress'], 'answered: the next request goes at once');
    refresh.dispose();
  });

  it('keeps rows apart, and sends a row again once its refresh went unanswered for staleMs (VS Code dropped it)', async () => {
    const sent: string[] = [];
    const refresh = new AnsweredRefresh<string>(40, (row) => sent.push(row));
    refresh.request('a');
    refresh.request('b');
    refresh.request('a');
    assert.deepEqual(sent, ['a', 'b']);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(sent, ['a', 'b', 'a'], 'the waiting request went when the first one turned stale');
    refresh.request('b');
    assert.deepEqual(sent, ['a', 'b', 'a', 'b'], 'b was stale: sent at once');
    refresh.dispose();
  });

  it('forgets a row whose job ended: nothing waiting for it is sent', async () => {
    const sent: string[] = [];
    const refresh = new AnsweredRefresh<string>(30, (row) => sent.push(row));
    refresh.request('a');
    refresh.request('a');
    refresh.forget('a');
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(sent, ['a']);
    refresh.request('a');
    assert.deepEqual(sent, ['a', 'a']);
    refresh.dispose();
  });
});
