// Gradient rules of element-wise ops. Binary ops un-broadcast each input's gradient explicitly.
import { isDifferentiable } from '../dtypes';
import { Tensor } from '../ir';
import { ifNeeded, inputOf, maskAsNumber, NO_GRADIENT, outputGrad, outputOf, unbroadcast } from './helpers';
import { GradientContext, GradientRule } from './types';

/** Builds a binary rule from the un-reduced gradient of each input. */
function binaryRule(forA: (ctx: GradientContext, dy: Tensor) => Tensor, forB: (ctx: GradientContext, dy: Tensor) => Tensor): GradientRule {
  return (ctx) => {
    const dy = outputGrad(ctx);
    const da = ifNeeded(ctx, 0, () => unbroadcast(ctx.g, forA(ctx, dy), inputOf(ctx, 0)));
    const db = ifNeeded(ctx, 1, () => unbroadcast(ctx.g, forB(ctx, dy), inputOf(ctx, 1)));
    return [da, db];
  };
}

/** Builds a unary rule from dx = f(dy, x, y). */
function unaryRule(dx: (ctx: GradientContext, dy: Tensor, x: Tensor, y: Tensor) => Tensor): GradientRule {
  return (ctx) => [ifNeeded(ctx, 0, () => dx(ctx, outputGrad(ctx), inputOf(ctx, 0), outputOf(ctx)))];
}

const x0 = (ctx: GradientContext): Tensor => inputOf(ctx, 0);
const x1 = (ctx: GradientContext): Tensor => inputOf(ctx, 1);
const y0 = (ctx: GradientContext): Tensor => outputOf(ctx);

export const elementwiseRules: Readonly<Record<string, GradientRule>> = Object.freeze({
  Add: binaryRule((_c, dy) => dy, (_c, dy) => dy),
  Sub: binaryRule((_c, dy) => dy, (c, dy) => c.g.neg(dy)),
  Mul: binaryRule((c, dy) => c.g.mul(dy, x1(c)), (c, dy) => c.g.mul(dy, x0(c))),
  // d(a/b)/db = -y/b
  Div: binaryRule((c, dy) => c.g.div(dy, x1(c)), (c, dy) => c.g.neg(c.g.div(c.g.mul(dy, y0(c)), x1(c)))),
  // d(a^b)/da = b a^(b-1); d(a^b)/db = y ln a (only defined for a > 0)
  Pow: binaryRule(
    (c, dy) => c.g.mul(dy, c.g.mul(x1(c), c.g.pow(x0(c), c.g.sub(x1(c), 1)))),
    (c, dy) => c.g.mul(dy, c.g.mul(y0(c), c.g.log(x0(c)))),
  ),
  // ties go to the first operand, so the two gradients always sum to dy
  Max: binaryRule(
    (c, dy) => c.g.mul(dy, maskAsNumber(c.g, c.g.greaterOrEqual(x0(c), x1(c)), dy)),
    (c, dy) => c.g.mul(dy, maskAsNumber(c.g, c.g.less(x0(c), x1(c)), dy)),
  ),
  Min: binaryRule(
    (c, dy) => c.g.mul(dy, maskAsNumber(c.g, c.g.lessOrEqual(x0(c), x1(c)), dy)),
    (c, dy) => c.g.mul(dy, maskAsNumber(c.g, c.g.greater(x0(c), x1(c)), dy)),
  ),
  Neg: unaryRule((c, dy) => c.g.neg(dy)),
  Identity: unaryRule((_c, dy) => dy),
  Sqrt: unaryRule((c, dy, _x, y) => c.g.div(c.g.mul(dy, 0.5), y)),
  Reciprocal: unaryRule((c, dy, _x, y) => c.g.neg(c.g.mul(dy, c.g.mul(y, y)))),
  Exp: unaryRule((c, dy, _x, y) => c.g.mul(dy, y)),
  Log: unaryRule((c, dy, x) => c.g.div(dy, x)),
  Sigmoid: unaryRule((c, dy, _x, y) => c.g.mul(dy, c.g.mul(y, c.g.sub(1, y)))),
  Tanh: unaryRule((c, dy, _x, y) => c.g.mul(dy, c.g.sub(1, c.g.mul(y, y)))),
  Relu: unaryRule((c, dy, x) => c.g.mul(dy, maskAsNumber(c.g, c.g.greater(x, 0), dy))),
  Abs: unaryRule((c, dy, x) => c.g.mul(dy, c.g.sub(maskAsNumber(c.g, c.g.greater(x, 0), dy), maskAsNumber(c.g, c.g.less(x, 0), dy)))),
  Sin: unaryRule((c, dy, x) => c.g.mul(dy, c.g.cos(x))),
  Cos: unaryRule((c, dy, x) => c.g.neg(c.g.mul(dy, c.g.sin(x)))),
  Clip: clipRule,
  Where: whereRule,
  Cast: castRule,
  StopGradient: NO_GRADIENT,
});

/** Passes dy where lo <= x <= hi; the bounds get no gradient. */
function clipRule(ctx: GradientContext): (Tensor | undefined)[] {
  const { g } = ctx;
  const dx = ifNeeded(ctx, 0, () => {
    const x = inputOf(ctx, 0);
    const [lo, hi] = [ctx.node.inputs[1], ctx.node.inputs[2]];
    let mask: Tensor | undefined;
    if (lo) mask = g.greaterOrEqual(x, lo);
    if (hi) mask = mask ? g.and(mask, g.lessOrEqual(x, hi)) : g.lessOrEqual(x, hi);
    const dy = outputGrad(ctx);
    return mask ? g.mul(dy, maskAsNumber(g, mask, dy)) : dy;
  });
  return [dx, undefined, undefined];
}

function whereRule(ctx: GradientContext): (Tensor | undefined)[] {
  const { g } = ctx;
  const cond = inputOf(ctx, 0);
  const dy = outputGrad(ctx);
  const da = ifNeeded(ctx, 1, () => unbroadcast(g, g.where(cond, dy, 0), inputOf(ctx, 1)));
  const db = ifNeeded(ctx, 2, () => unbroadcast(g, g.where(cond, 0, dy), inputOf(ctx, 2)));
  return [undefined, da, db];
}

/** Casting back carries the gradient between float types; from integers there is none. */
function castRule(ctx: GradientContext): (Tensor | undefined)[] {
  const x = inputOf(ctx, 0);
  if (!isDifferentiable(x.dtype)) return [undefined];
  return [ifNeeded(ctx, 0, () => ctx.g.cast(outputGrad(ctx), x.dtype))];
}
