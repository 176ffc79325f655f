import { IndexOps } from './opsIndex';

/**
 * A graph under construction, with a builder API that reads like the math:
 *
 * ```ts
 * const g = new Graph('attn');
 * const x = g.input('x', 'float32', ['batch', 'seq', 64]);
 * const w = g.initializer('w', { dtype: 'float32', dims: [64, 64], data });
 * const y = g.softmax(g.matmul(x, w), -1);
 * g.output(y, 'y');
 * ```
 *
 * Every method appends standard ai.onnx (opset 18) nodes and infers the output dtype and shape,
 * keeping symbolic dims symbolic. The op families live in the parent classes
 * (GraphCore → MathOps → ShapeOps → IndexOps) to keep each file small.
 */
export class Graph extends IndexOps {}
