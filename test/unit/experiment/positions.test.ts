import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWithPositions, spanAt } from '../../../src/core/experiment/positions';
import { GOOD_EXPERIMENT } from '../../fixtures/experiment/experiments';

function covered(text: string, span: { offset: number; length: number }): string {
  return text.slice(span.offset, span.offset + span.length);
}

describe('spanAt', () => {
  const parsed = parseWithPositions(GOOD_EXPERIMENT);

  it('finds the value, the key and the whole property of a path', () => {
    assert.equal(covered(GOOD_EXPERIMENT, spanAt(parsed, ['adapter', 'rank'])), '4');
    assert.equal(covered(GOOD_EXPERIMENT, spanAt(parsed, ['adapter', 'rank'], 'key')), '"rank"');
    assert.equal(covered(GOOD_EXPERIMENT, spanAt(parsed, ['adapter', 'rank'], 'property')), '"rank": 4');
  });

  it('addresses array items and keys with dots', () => {
    assert.equal(covered(GOOD_EXPERIMENT, spanAt(parsed, ['tasks', 1, 'name'])), '"piqa"');
    assert.equal(covered(GOOD_EXPERIMENT, spanAt(parsed, ['experts', 'model.layers.0.self_attn.v_proj'])), '3');
  });

  it('falls back to the nearest present ancestor key, then to the root brace', () => {
    assert.equal(covered(GOOD_EXPERIMENT, spanAt(parsed, ['adapter', 'topK'])), '"adapter"');
    assert.equal(covered(GOOD_EXPERIMENT, spanAt(parsed, ['probe'])), '{');
  });

  it('keeps working on text with a syntax error', () => {
    const broken = '{ "model": { "path": "m" }, "adapter": { "rank": 4, } "tasks": [ }';
    const partial = parseWithPositions(broken);
    assert.ok(partial.syntaxErrors.length > 0);
    assert.equal(covered(broken, spanAt(partial, ['adapter', 'rank'])), '4');
  });
});
