// The gradient rule table: one entry per primitive op type.
import { NO_GRADIENT } from './helpers';
import { elementwiseRules } from './rulesElementwise';
import { indexRules } from './rulesIndex';
import { linalgRules } from './rulesLinalg';
import { shapeRules } from './rulesShape';
import { GradientRule } from './types';

/** Ops whose outputs are integers, booleans or shapes: explicitly no gradient to any input. */
const NON_DIFFERENTIABLE = [
  'Shape', 'Size', 'ConstantOfShape', 'Range',
  'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'Not', 'And', 'Or',
  'ArgMax', 'ArgMin',
];

const RULES = new Map<string, GradientRule>([
  ...Object.entries(elementwiseRules),
  ...Object.entries(linalgRules),
  ...Object.entries(shapeRules),
  ...Object.entries(indexRules),
  ...NON_DIFFERENTIABLE.map((op): [string, GradientRule] => [op, NO_GRADIENT]),
]);

/** The rule for `opType`; an op without one fails loudly, naming the op and the node. */
export function gradientRuleFor(opType: string, nodeName: string): GradientRule {
  const rule = RULES.get(opType);
  if (!rule) throw new Error(`no gradient rule for op '${opType}' (node ${nodeName}): add one to the engine's rule table or keep the op off the path to the loss`);
  return rule;
}

/** Op types that have a rule (including the explicit no-gradient ones). */
export function differentiableOps(): string[] {
  return [...RULES.keys()].sort();
}

/** Adds or replaces a rule, for ops defined outside the engine. */
export function registerGradientRule(opType: string, rule: GradientRule): void {
  RULES.set(opType, rule);
}
