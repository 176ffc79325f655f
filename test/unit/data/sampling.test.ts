import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerPatternFor, defaultAnswerPattern, extractAnswer, sampleExamples, sampleIndices, SeededRandom } from '../../../src/core/data';

describe('sampling', () => {
  it('fillKeep draws what next() >= p draws, and leaves the stream where next() would', () => {
    // Seeds whose states pass 2^31 (signed vs unsigned) and p at the edges, where u / 2^32 meets p exactly.
    for (const seed of [1, 0x7fffffff, 0xfffffff0, 123456789]) {
      const first = new SeededRandom(seed).next();
      for (const p of [0, 0.05, 0.1, 0.5, 1 / 3, 0.999, 1, first, first + 2 ** -33]) {
        const [loop, fast] = [new SeededRandom(seed), new SeededRandom(seed)];
        const want = Uint8Array.from({ length: 3000 }, () => (loop.next() >= p ? 1 : 0));
        const got = new Uint8Array(3002).fill(7);
        fast.fillKeep(got, 1, 3000, p);
        assert.deepEqual(got.subarray(1, 3001), want, `seed ${seed}, p ${p}`);
        assert.deepEqual([got[0], got[3001]], [7, 7], 'writes only [start, start + count)');
        assert.equal(fast.save(), loop.save());
        assert.equal(fast.next(), loop.next());
      }
    }
  });

  it('takes everything in file order when N >= count', () => {
    assert.deepEqual(sampleIndices(4, 4, 1), [0, 1, 2, 3]);
    assert.deepEqual(sampleIndices(3, 10, 1), [0, 1, 2]);
  });

  it('takes a reproducible seeded sample of distinct indices in file order otherwise', () => {
    const a = sampleIndices(100, 10, 42);
    assert.deepEqual(a, sampleIndices(100, 10, 42));
    assert.notDeepEqual(a, sampleIndices(100, 10, 43));
    assert.equal(new Set(a).size, 10);
    assert.deepEqual(a, [...a].sort((x, y) => x - y));
    assert.ok(a.every((i) => i >= 0 && i < 100));
    assert.deepEqual(sampleExamples(['a', 'b', 'c'], 0, 1), []);
    assert.deepEqual(sampleExamples(['a', 'b', 'c'], 2, 7), sampleIndices(3, 2, 7).map((i) => 'abc'[i]));
  });

  it('SeededRandom draws the mulberry32 stream training checkpoints were saved with, and restores from its state', () => {
    const a = new SeededRandom(5);
    assert.deepEqual([a.next(), a.next(), a.next()], [0.6897749109193683, 0.7727432732935995, 0.21976301027461886]);
    const saved = a.save();
    const next = a.next();
    assert.equal(SeededRandom.restore(saved).next(), next);
    assert.deepEqual(new SeededRandom(3).permutation(6), [2, 3, 5, 1, 0, 4]);
    const b = new SeededRandom(7);
    b.next();
    assert.equal(b.save(), 1831565820, 'the state a checkpoint stores');
    assert.equal(SeededRandom.restore(1831565820).next(), 0.06195825757458806);
  });
});

describe('answer patterns', () => {
  it('picks the LLM-Adapters pattern every answer follows', () => {
    assert.equal(defaultAnswerPattern(['true', 'false']), 'true|false');
    assert.equal(defaultAnswerPattern(['solution1', 'solution2']), 'solution[12]');
    assert.equal(defaultAnswerPattern(['answer1', 'answer5']), 'answer[1-5]');
    assert.equal(defaultAnswerPattern(['ending4']), 'ending[1-4]');
    assert.equal(defaultAnswerPattern(['option1', 'option2']), 'option[12]');
    assert.equal(defaultAnswerPattern(['option1', 'answer2']), undefined);
    assert.equal(defaultAnswerPattern([]), undefined);
    assert.equal(answerPatternFor('\\d+', []).source, '\\d+');
    assert.equal(answerPatternFor(undefined, [{ answer: 'x' }]).source, '\\S+');
  });

  it('extracts the first match', () => {
    assert.equal(extractAnswer('the correct answer is false, not true', /true|false/), 'false');
    assert.equal(extractAnswer('answer3 or answer1', 'answer[1-5]'), 'answer3');
    assert.equal(extractAnswer('no idea', 'answer[1-5]'), undefined);
    assert.equal(extractAnswer('ending2 ending3', /ending[1-4]/g), 'ending2');
  });
});
