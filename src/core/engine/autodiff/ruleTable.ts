// The gradient rule table: one entry per primitive op type, fixed at load time. test/unit/engine/gradientCases.ts
// pairs every key with a gradient check (as onnxruntime pairs its gradient registry with its gradient checker).
import { NO_GRADIENT } from './helpers';
import { elementwiseRules } from './rulesElementwise';
import { indexRules } from './rulesIndex';
import { linalgRules } from './rulesLinalg';
import { shapeRules } from './rulesShape';
import { GradientRule } from './types';

/** Ops the engine emits whose outputs are integers, booleans or shapes: explicitly no gradient to any input. */
const NON_DIFFERENTIABLE = ['Shape', 'Size', 'ConstantOfShape', 'Range', 'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'Not', 'And'];

/** Merges named groups of rules; an op defined in two groups is a programming error and fails at load. */
export function buildRuleTable(groups: Readonly<Record<string, Readonly<Record<string, GradientRule>>>>): ReadonlyMap<string, GradientRule> {
  const table = new Map<string, GradientRule>();
  const origin = new Map<string, string>();
  for (const [group, rules] of Object.entries(groups)) {
    for (const [op, rule] of Object.entries(rules)) {
      if (origin.has(op)) throw new Error(`gradient rule for op '${op}' is defined twice (${origin.get(op)} and ${group}); keep one`);
      origin.set(op, group);
      table.set(op, rule);
    }
  }
  return table;
}

const RULES = buildRuleTable({
  elementwise: elementwiseRules,
  linalg: linalgRules,
  shape: shapeRules,
  index: indexRules,
  nonDifferentiable: Object.fromEntries(NON_DIFFERENTIABLE.map((op) => [op, NO_GRADIENT])),
});

/** Op types that have a rule (the no-gradient ones included), sorted; frozen. */
export const GRADIENT_OPS: readonly string[] = Object.freeze([...RULES.keys()].sort());

/** The rule for `opType`; an op without one fails loudly, naming the op and the node. */
export function gradientRuleFor(opType: string, nodeName: string): GradientRule {
  const rule = RULES.get(opType);
  if (!rule) throw new Error(`no gradient rule for op '${opType}' (node ${nodeName}): add one to the engine's rule table or keep the op off the path to the loss`);
  return rule;
}
