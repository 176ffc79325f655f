// The rule table and the gradient-check case table cover the same ops, every case passes, and a duplicate rule fails.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildRuleTable, GRADIENT_OPS } from '../../../src/core/engine/autodiff/ruleTable';
import { NO_GRADIENT } from '../../../src/core/engine/autodiff/helpers';
import { GRADIENT_CASES } from './gradientCases';

test('every registered gradient rule has a gradient-check case, and every case a rule', () => {
  assert.deepEqual(Object.keys(GRADIENT_CASES).sort(), [...GRADIENT_OPS]);
});

test('the rule table is fixed: the op list is frozen and a duplicate op fails at load, naming both groups', () => {
  assert.ok(Object.isFrozen(GRADIENT_OPS));
  assert.throws(() => buildRuleTable({ first: { Add: NO_GRADIENT }, second: { Add: NO_GRADIENT } }), /gradient rule for op 'Add' is defined twice \(first and second\)/);
});

for (const [op, check] of Object.entries(GRADIENT_CASES)) {
  test(`gradient check: ${op}`, async () => {
    await check();
  });
}
