// src/core/stats against test/reference/stats.json (scipy's t distribution and intervals, and the paired
// bootstrap re-implemented in Python by test/reference/stats_reference.py).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { meanInterval, pairedBootstrap, studentTCdf, studentTQuantile } from '../../../src/core/stats';
import reference from '../../reference/stats.json';

function close(actual: number | null, expected: number, tolerance: number, what: string): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

describe("Student's t against scipy", () => {
  it('quantiles', () => {
    for (const q of reference.quantiles) close(studentTQuantile(q.p, q.df), q.expected, 1e-10, `t.ppf(${q.p}, ${q.df})`);
  });
  it('CDF', () => {
    for (const c of reference.cdfs) close(studentTCdf(c.t, c.df), c.expected, 1e-12, `t.cdf(${c.t}, ${c.df})`);
  });
  it('rejects levels outside (0, 1)', () => {
    assert.throws(() => studentTQuantile(1, 3), /inside \(0, 1\)/);
  });
});

describe('mean ± t-interval against scipy.stats.t.interval', () => {
  it('matches mean, sd and bounds', () => {
    for (const c of reference.intervals) {
      const got = meanInterval(c.values, c.level);
      close(got.mean, c.mean, 1e-14, 'mean');
      close(got.sd, c.sd, 1e-12, 'sd');
      close(got.low, c.low, 1e-10, `low of ${c.values} at ${c.level}`);
      close(got.high, c.high, 1e-10, `high of ${c.values} at ${c.level}`);
    }
  });
  it('one value has a mean but no interval', () => {
    const got = meanInterval([0.3]);
    assert.equal(got.mean, 0.3);
    assert.equal(got.halfWidth, null);
  });
});

describe('paired bootstrap against the Python re-implementation', () => {
  it('gives the same estimate and interval', () => {
    for (const c of reference.bootstraps) {
      const got = pairedBootstrap(c.tasks, c.options);
      close(got.estimate, c.expected.estimate, 1e-12, 'estimate');
      close(got.low, c.expected.low, 1e-12, 'low');
      close(got.high, c.expected.high, 1e-12, 'high');
      assert.equal(got.excludesZero, c.expected.low > 0 || c.expected.high < 0);
    }
  });
  it('is reproducible for a seed and changes with it', () => {
    const c = reference.bootstraps[0];
    assert.deepEqual(pairedBootstrap(c.tasks, c.options), pairedBootstrap(c.tasks, c.options));
    assert.notEqual(pairedBootstrap(c.tasks, { ...c.options, seed: 8 }).low, pairedBootstrap(c.tasks, c.options).low);
  });
  it('identical configurations differ by exactly 0', () => {
    const a = [[1, 0, 1, 1], [0, 0, 1, 0]];
    const got = pairedBootstrap([{ a, b: a }], { replicates: 50 });
    assert.deepEqual([got.estimate, got.low, got.high, got.excludesZero], [0, 0, 0, false]);
  });
  it('a consistent gain excludes 0', () => {
    const got = pairedBootstrap([{ a: [[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 0, 1]], b: [[0, 0, 1, 0, 0, 0], [0, 1, 0, 0, 0, 0]] }], { replicates: 400 });
    assert.ok(got.low > 0 && got.excludesZero, JSON.stringify(got));
  });
  it('names mismatched seeds or examples', () => {
    assert.throws(() => pairedBootstrap([{ a: [[1, 0]], b: [[1, 0], [0, 1]] }]), /same 1 seed/);
    assert.throws(() => pairedBootstrap([{ a: [[1, 0]], b: [[1]] }]), /same 2 test example/);
  });
});
