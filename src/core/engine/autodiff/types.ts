import { Graph } from '../graph';
import { Node, Tensor } from '../ir';

/** What a gradient rule sees: the forward node and the gradients flowing into its outputs. */
export interface GradientContext {
  g: Graph;
  node: Node;
  /** Gradient w.r.t. each output; undefined for an output that does not lead to the loss. */
  dOutputs: readonly (Tensor | undefined)[];
  /** needs[i]: whether input i is on a path from a requested tensor (only those are computed). */
  needs: readonly boolean[];
  /**
   * The value of a forward tensor as the backward pass should read it: the tensor itself, or a fresh copy
   * when it is cheap to recompute (a float32 up-cast of a stored 16-bit weight), so the forward copy dies early.
   */
  forwardValue?: (t: Tensor) => Tensor;
}

/**
 * One rule per primitive: returns, for every input, its gradient, or undefined for "no gradient"
 * (not needed, or not differentiable like indices and shapes).
 */
export type GradientRule = (ctx: GradientContext) => (Tensor | undefined)[];
