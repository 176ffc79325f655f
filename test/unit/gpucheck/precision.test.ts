// The GPU check's agreement helper: mixed tolerances, the worst value named, missing values, verdict bands.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { arithmeticVerdict, compareSeries, compareTables, compareValues } from '../../gpucheck/precision';

test('losses agree within 1e-3 relative; one step beyond fails and is named', () => {
  const cpu = [2.5, 2.4, 2.3];
  const close = compareSeries(cpu, [2.5 * (1 + 5e-4), 2.4, 2.3 * (1 - 2e-6)]);
  assert.equal(close.within, true);
  assert.equal(close.worst, 'step 1');
  assert.ok(Math.abs(close.worstRel - 5e-4) < 1e-9);
  assert.match(close.verdict, /within GPU tolerance, beyond float32 reordering/);
  const far = compareSeries(cpu, [2.5, 2.4 * (1 + 3e-3), 2.3]);
  assert.equal(far.within, false);
  assert.equal(far.outside, 1);
  assert.equal(far.worst, 'step 2');
  assert.match(far.verdict, /out of tolerance/);
});

test('only the first N steps are compared, and a missing or non-finite value is outside', () => {
  assert.equal(compareSeries([1, 2, 3], [1, 2, 99], undefined, 2).within, true);
  const short = compareSeries([1, 2, 3], [1, 2]);
  assert.equal(short.within, false);
  assert.equal(short.worst, 'step 3');
  assert.equal(compareSeries([1], [NaN]).within, false);
  assert.match(compareSeries([1], [NaN]).verdict, /not comparable/);
});

test('sensitivity tables: relative 1e-3, with a floor relative to the largest value for tiny entries', () => {
  const cpu = { a: { q: 100, v: 1e-6 }, b: { q: 50, v: 2 } };
  const gpu = { a: { q: 100.05, v: 5e-5 }, b: { q: 50, v: 2 * (1 + 1e-6) } };
  const agreement = compareTables(cpu, gpu);
  assert.equal(agreement.count, 4);
  assert.equal(agreement.within, true, 'a/v differs hugely in relative terms but sits under 1e-6 x 100');
  assert.equal(agreement.worst, 'a/v');
  assert.equal(compareTables(cpu, { ...gpu, b: { q: 50.2, v: 2 } }).outside, 1);
});

test('identical values are float32 agreement; the verdict bands follow the worst relative error', () => {
  const same = compareValues(new Map([['x', 1]]), new Map([['x', 1]]), { rel: 1e-3, abs: 0 });
  assert.deepEqual({ within: same.within, worstRel: same.worstRel, worst: same.worst }, { within: true, worstRel: 0, worst: 'x' });
  assert.match(arithmeticVerdict(1e-6), /^float32 agreement/);
  assert.match(arithmeticVerdict(1e-4), /reduced precision or a different algorithm/);
  assert.match(arithmeticVerdict(1e-2), /^out of tolerance/);
});
