import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'jsonc-parser';
import { applyEdits, minimalEdit, removePropertiesEdits, setValueEdits } from '../../../src/core/experiment/edits';
import { GOOD_EXPERIMENT } from '../../fixtures/experiment/experiments';

const FMT = { insertSpaces: true, tabSize: 2, eol: '\n' };
const WITH_COMMENTS = GOOD_EXPERIMENT.replace('"training": { "maxSteps": 10 }', '// keep this comment\n  "training": {   "maxSteps": 10 }');

describe('setValueEdits', () => {
  it('replaces only the experts value and keeps every other byte, comments and odd spacing included', () => {
    const edits = setValueEdits(WITH_COMMENTS, ['experts'], { 'model.layers.0.self_attn.q_proj': 4 }, FMT);
    assert.equal(edits.length, 1);
    const next = applyEdits(WITH_COMMENTS, edits);
    const start = WITH_COMMENTS.indexOf('"experts": ') + '"experts": '.length;
    const end = WITH_COMMENTS.indexOf('},\n  // keep') + 1;
    assert.equal(next.slice(0, start), WITH_COMMENTS.slice(0, start));
    assert.equal(next.slice(next.length - (WITH_COMMENTS.length - end)), WITH_COMMENTS.slice(end));
    assert.deepEqual(parse(next).experts, { 'model.layers.0.self_attn.q_proj': 4 });
  });

  it('inserts a missing section at its schema position', () => {
    const text = '{\n  "model": { "path": "m" },\n  "tasks": [],\n  "training": {}\n}\n';
    const next = applyEdits(text, setValueEdits(text, ['budget'], { kind: 'none' }, FMT));
    assert.deepEqual(Object.keys(parse(next)), ['model', 'tasks', 'budget', 'training']);
    assert.ok(next.startsWith('{\n  "model": { "path": "m" },\n  "tasks": [],\n'));
  });
});

describe('removePropertiesEdits', () => {
  it('removes several entries in one edit', () => {
    const names = ['model.layers.0.self_attn.v_proj', 'model.layers.1.self_attn.o_proj', 'not.there'];
    const edits = removePropertiesEdits(GOOD_EXPERIMENT, ['experts'], names, FMT);
    assert.equal(edits.length, 1);
    const next = applyEdits(GOOD_EXPERIMENT, edits);
    assert.deepEqual(Object.keys(parse(next).experts), ['model.layers.0.self_attn.q_proj', 'model.layers.1.self_attn.k_proj']);
    assert.equal(parse(next).training.maxSteps, 10);
  });

  it('returns no edit when nothing matches', () => {
    assert.deepEqual(removePropertiesEdits(GOOD_EXPERIMENT, ['experts'], ['nope'], FMT), []);
  });
});

describe('minimalEdit', () => {
  it('covers only the differing middle', () => {
    assert.deepEqual(minimalEdit('abcXYZdef', 'abcQdef'), { offset: 3, length: 3, content: 'Q' });
    assert.equal(minimalEdit('same', 'same'), undefined);
    assert.equal(applyEdits('aaaa', [minimalEdit('aaaa', 'aaaaaa')!]), 'aaaaaa');
  });
});
