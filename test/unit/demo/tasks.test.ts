import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tokenizer } from '@huggingface/tokenizers';
import { alpacaPrompt, vocabularyTexts } from '../../../src/core/demo/corpus';
import { DEMO_TASKS, generateSplit } from '../../../src/core/demo/tasks';
import { BOS_ID, buildTokenizer } from '../../../src/core/demo/tokenizer';

describe('demo tasks', () => {
  it('are reproducible, disjoint between train and test, and answered by their own pattern', () => {
    for (const spec of DEMO_TASKS) {
      const a = generateSplit(spec, 11, 100, 20);
      assert.deepEqual(a, generateSplit(spec, 11, 100, 20), `${spec.name} is seeded`);
      assert.equal(a.test.length, 20);
      assert.equal(a.train.length, 100);
      const testKeys = new Set(a.test.map((e) => `${e.instruction}|${e.input}`));
      assert.ok(a.train.every((e) => !testKeys.has(`${e.instruction}|${e.input}`)), `${spec.name}: no test example in train`);
      for (const e of [...a.train, ...a.test]) {
        assert.equal(new RegExp(spec.answerPattern).exec(e.output)?.[0], e.answer, `${spec.name}: ${e.output}`);
      }
    }
  });

  it('need different skills (spot checks)', () => {
    const [copy, reverse, add, lookup] = DEMO_TASKS.map((t) => generateSplit(t, 3, 5, 5).train[0]);
    assert.equal(copy.output, copy.input);
    assert.equal(reverse.output, reverse.input.split(' ').reverse().join(' '));
    const [x, y] = add.input.split('+').map(Number);
    assert.equal(Number(add.output), x + y);
    const key = /value of ([a-z])\./.exec(lookup.instruction)?.[1];
    assert.ok(lookup.input.split(' ').includes(`${key}=${lookup.output}`));
  });
});

describe('demo tokenizer.json', () => {
  const files = buildTokenizer(vocabularyTexts());
  const tokenizer = new Tokenizer(files.tokenizer, files.config);

  it('loads in @huggingface/tokenizers and round-trips every task prompt', () => {
    for (const spec of DEMO_TASKS) {
      const e = generateSplit(spec, 5, 0, 3).test[0];
      const text = alpacaPrompt(e.instruction, e.input) + e.output;
      const ids = tokenizer.encode(text).ids;
      assert.equal(ids[0], BOS_ID, 'starts with <s>');
      assert.equal(tokenizer.decode(ids, { skip_special_tokens: true }), text);
      assert.ok(ids.length < 80, `${spec.name}: ${ids.length} tokens`);
    }
  });

  it('makes prompt words single tokens and task letters one token each', () => {
    const tokens = tokenizer.tokenize('Below is an instruction that describes a task.');
    assert.deepEqual(tokens, ['Below', 'Ġis', 'Ġan', 'Ġinstruction', 'Ġthat', 'Ġdescribes', 'Ġa', 'Ġtask', '.']);
    assert.deepEqual(tokenizer.tokenize('k q z'), ['k', 'Ġq', 'Ġz']);
    assert.deepEqual(tokenizer.tokenize('12+7'), ['1', '2', '+', '7']);
  });
});
