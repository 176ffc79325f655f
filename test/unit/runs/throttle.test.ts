// The tree's refresh throttle: the first request at once, a burst collapses into one trailing call, keys apart.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Throttle } from '../../../src/views/throttle';

describe('Throttle', () => {
  it('runs the first request at once and one trailing call for a burst, per key', async () => {
    const calls: string[] = [];
    const throttle = new Throttle<string>(40, (key) => calls.push(key));
    throttle.request('a');
    throttle.request('a');
    throttle.request('a');
    throttle.request('b');
    assert.deepEqual(calls, ['a', 'b']);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(calls, ['a', 'b', 'a']);
    throttle.now('a');
    assert.deepEqual(calls, ['a', 'b', 'a', 'a']);
    throttle.dispose();
  });
});
