import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkExperiment } from '../../../src/core/experiment/checks';
import type { ExperimentProblem } from '../../../src/core/experiment/problems';
import { parseWithPositions, spanAt } from '../../../src/core/experiment/positions';
import { BROKEN_EXPECTED, BROKEN_EXPERIMENT, BROKEN_WITH_MODEL, GOOD_EXPERIMENT, expectedOffset } from '../../fixtures/experiment/experiments';
import { factsWith, GOOD_FILES } from './helpers';

function check(text: string, facts = factsWith(GOOD_FILES)): ExperimentProblem[] {
  return checkExperiment(parseWithPositions(text).value, facts);
}

function codes(problems: ExperimentProblem[], severity?: string): string[] {
  return problems.filter((p) => !severity || p.severity === severity).map((p) => p.code).sort();
}

describe('checkExperiment', () => {
  it('finds nothing wrong with a good experiment (only hints for sections left at defaults)', () => {
    const problems = check(GOOD_EXPERIMENT);
    assert.deepEqual(problems.filter((p) => p.severity !== 'hint'), []);
    assert.deepEqual(problems.map((p) => p.path[0]).sort(), ['evaluation', 'probe']);
  });

  it('reports each broken field with its code at the expected text', () => {
    const parsed = parseWithPositions(BROKEN_WITH_MODEL);
    const problems = checkExperiment(parsed.value, factsWith(['model', 'data/boolq/train.json']));
    for (const expected of BROKEN_EXPECTED) {
      const offset = expectedOffset(BROKEN_WITH_MODEL, expected);
      const match = problems.find((p) => p.code === expected.code && spanAt(parsed, p.path, p.target).offset === offset);
      assert.ok(match, `no ${expected.code} at ${expected.covers}; got ${JSON.stringify(problems.map((p) => [p.code, p.path]))}`);
      assert.equal(spanAt(parsed, match.path, match.target).length, expected.covers.length);
    }
    assert.deepEqual(codes(problems, 'error'), BROKEN_EXPECTED.map((e) => e.code).sort());
  });

  it('reports a missing model path with the resolved path and the fix', () => {
    const problems = check(BROKEN_EXPERIMENT, factsWith(['data/boolq/train.json'], { model: undefined }));
    const missing = problems.find((p) => p.code === 'model-missing');
    assert.ok(missing);
    assert.deepEqual(missing.path, ['model', 'path']);
    assert.match(missing.message, /\/ws\/no-such-model/);
    assert.match(missing.message, /config\.json/);
  });

  it('reports an unreadable model and one of unknown format', () => {
    const unreadable = check(GOOD_EXPERIMENT, factsWith(GOOD_FILES, { model: { status: 'unreadable', detail: 'model.safetensors: header length 99999999999 exceeds the file size' } }));
    assert.deepEqual(codes(unreadable, 'error'), ['model-unreadable']);
    const unknown = check(GOOD_EXPERIMENT, factsWith(GOOD_FILES, { model: { status: 'unknown-format', detail: 'the folder has no config.json' } }));
    assert.deepEqual(codes(unknown, 'error'), ['model-format']);
  });

  it('flags a declared format that contradicts the detected one', () => {
    const text = GOOD_EXPERIMENT.replace('"model": { "path": "model" }', '"model": { "path": "model", "format": "llama2c" }');
    const problems = check(text);
    assert.deepEqual(problems.filter((p) => p.code === 'model-format').map((p) => p.path), [['model', 'format']]);
  });

  it('warns (not errors) about a missing test file', () => {
    const problems = check(GOOD_EXPERIMENT, factsWith(GOOD_FILES.filter((f) => !f.endsWith('test.json'))));
    assert.deepEqual(problems.filter((p) => p.code === 'task-file-missing').map((p) => [p.severity, p.path]), [['warning', ['tasks', 0, 'test']]]);
  });

  it('says beforehand (info) that Evaluate will refuse when no task has a test file', () => {
    assert.ok(!check(GOOD_EXPERIMENT).some((p) => p.code === 'no-test-data'));
    const noTests = GOOD_EXPERIMENT.replace(/,\s*"test":\s*"[^"]*"/g, '');
    assert.notEqual(noTests, GOOD_EXPERIMENT);
    const problems = check(noTests).filter((p) => p.code === 'no-test-data');
    assert.deepEqual(problems.map((p) => [p.severity, p.path]), [['info', ['tasks']]]);
    assert.match(problems[0].message, /tasks\[\]\.test.*Evaluate.*refuse/);
  });

  it('skips module-name checks while the model is not known, and still checks counts and budget', () => {
    const problems = check(BROKEN_WITH_MODEL, factsWith(['model', 'data/boolq/train.json'], { model: undefined }));
    assert.ok(!problems.some((p) => p.code === 'unknown-module'));
    assert.ok(problems.some((p) => p.code === 'over-budget'));
    assert.ok(problems.some((p) => p.code === 'experts-above-max'));
  });

  it('checks parameter budgets through the injected accounting', () => {
    const text = GOOD_EXPERIMENT.replace('"kind": "experts", "value": 12', '"kind": "params", "value": 1000');
    const accounting = { trainable: () => 1500, loraRankEquivalent: (r: number) => r * 100 };
    const over = check(text, factsWith(GOOD_FILES, { accounting }));
    assert.match(over.find((p) => p.code === 'over-budget')?.message ?? '', /1,500 trainable parameters, over the budget of 1,000 by 500/);
    const rankBudget = text.replace('"kind": "params", "value": 1000', '"kind": "loraRank", "value": 16');
    assert.ok(!check(rankBudget, factsWith(GOOD_FILES, { accounting })).some((p) => p.code === 'over-budget'));
    const noValue = text.replace(', "value": 1000', '');
    assert.deepEqual(codes(check(noValue), 'error'), ['budget-incomplete']);
  });

  it('warns about a rank wider than the narrowest target module and a top-k above maxExperts', () => {
    const text = GOOD_EXPERIMENT.replace('"rank": 4, "alpha": 8', '"rank": 12, "alpha": 8, "style": "independent", "topK": 6');
    const problems = check(text);
    assert.deepEqual(problems.filter((p) => p.severity === 'warning').map((p) => p.code).sort(), ['invalid-rank', 'invalid-top-k']);
    assert.match(problems.find((p) => p.code === 'invalid-rank')!.message, /min\(d_in, d_out\) = 8 of k_proj/);
  });

  it('reports alpha and top-k outside the schema limits with the fix', () => {
    const text = GOOD_EXPERIMENT.replace('"rank": 4, "alpha": 8', '"rank": 4.5, "alpha": 0, "topK": 0');
    assert.deepEqual(codes(check(text), 'error'), ['invalid-alpha', 'invalid-rank', 'invalid-top-k']);
  });

  it('warns about modules of types the adapter does not target, and modules missing under minExperts', () => {
    const text = GOOD_EXPERIMENT.replace('"maxExperts": 4', '"maxExperts": 4, "minExperts": 1').replace('"model.layers.1.self_attn.o_proj": 2', '"model.layers.1.mlp.up_proj": 2');
    const problems = check(text);
    assert.deepEqual(codes(problems, 'warning'), ['experts-below-min', 'module-not-targeted']);
    assert.match(problems.find((p) => p.code === 'experts-below-min')!.message, /5 target module\(s\) have no entry/);
  });

  it('requires model and tasks, hints at optional sections', () => {
    const problems = check('{ "adapter": {} }');
    assert.deepEqual(problems.filter((p) => p.severity === 'error').map((p) => p.path), [['model'], ['tasks']]);
    assert.equal(problems.filter((p) => p.severity === 'hint').length, 5);
  });

  it('checks a map stored in another file, reporting on the experts path', () => {
    const text = GOOD_EXPERIMENT.replace(/"experts": \{[^}]*\}/, '"experts": "experts.json"');
    const problems = check(text, factsWith(GOOD_FILES, { expertsFile: { map: { 'model.layers.7.self_attn.q_proj': 2 } } }));
    assert.deepEqual(problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.path]), [['unknown-module', ['experts']]]);
    const unreadable = check(text, factsWith(GOOD_FILES, { expertsFile: { error: 'does not exist' } }));
    assert.deepEqual(codes(unreadable, 'error'), ['experts-file']);
  });
});
