import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { percentile } from '../../../src/core/algo';
import { NUMPY_PERCENTILES, QS } from './numpyPercentiles';

describe('percentile (numpy linear)', () => {
  it('equals numpy.percentile bit for bit on stored numpy outputs', () => {
    for (const { values, expected } of NUMPY_PERCENTILES) {
      QS.forEach((q, i) => assert.equal(percentile(values, q), expected[i], `q=${q} over ${values.length} values`));
    }
  });

  it('hand-derived: [1,2,3,4] at 40 is 2.2; ties and equal values', () => {
    assert.equal(percentile([4, 1, 3, 2], 40), 2.2);
    assert.equal(percentile([2, 2, 2], 40), 2);
    assert.equal(percentile([1, 2, 2, 3], 50), 2);
    assert.equal(percentile([7], 0), 7);
    assert.equal(percentile([1, 5], 100), 5);
  });

  it('rejects empty input and q outside [0, 100]', () => {
    assert.throws(() => percentile([], 50), RangeError);
    assert.throws(() => percentile([1], 101), RangeError);
    assert.throws(() => percentile([1], -1), RangeError);
  });
});
