// Storage and naming for a graph under construction; the op methods live in the subclasses.
import { bytesPerElement, DType, hostArrayFrom, isFloating } from './dtypes';
import { Attrs, Dim, InitializerSource, isFileSlice, Node, Shape, Tensor, TensorData } from './ir';

export interface OutputSpec {
  dtype: DType;
  shape: Shape;
}

/** Constants of at most this many elements are shared between identical uses. */
const SHARED_CONSTANT_MAX = 16;

export class GraphCore {
  readonly nodes: Node[] = [];
  readonly inputs: Tensor[] = [];
  readonly outputs: Tensor[] = [];
  /** Frozen weights and constants, in creation order. */
  readonly initializers = new Map<Tensor, InitializerSource>();
  private readonly usedNames = new Set<string>();
  private readonly counters = new Map<string, number>();
  private readonly sharedConstants = new Map<string, Tensor>();
  private scopePrefix = '';

  constructor(readonly name = 'graph') {}

  /** A tensor fed at every run (e.g. token ids, or trainable LoRA weights). */
  input(name: string, dtype: DType, shape: Shape): Tensor {
    const t = new Tensor(this.claim(name), dtype, shape, 'input');
    this.inputs.push(t);
    return t;
  }

  /** A frozen weight stored in the model (inline, in an external-data file, or a slice of a file). */
  initializer(name: string, source: InitializerSource): Tensor {
    checkSourceSize(name, source);
    const t = new Tensor(this.claim(name), source.dtype, [...source.dims], 'initializer');
    this.initializers.set(t, source);
    return t;
  }

  /** An anonymous constant; small ones are shared between identical uses. */
  constant(data: TensorData): Tensor {
    const small = data.data.length <= SHARED_CONSTANT_MAX;
    const key = small ? `${data.dtype}[${data.dims.join(',')}]${Array.prototype.join.call(data.data, ',')}` : '';
    const shared = small ? this.sharedConstants.get(key) : undefined;
    if (shared) return shared;
    const t = new Tensor(this.claim(this.uniqueName('const')), data.dtype, [...data.dims], 'constant');
    this.initializers.set(t, data);
    if (small) this.sharedConstants.set(key, t);
    return t;
  }

  /** A 0-d constant of `dtype`, or of the same dtype as a tensor. */
  scalar(value: number, like: DType | Tensor): Tensor {
    const dtype = typeof like === 'string' ? like : like.dtype;
    return this.constant({ dtype, dims: [], data: hostArrayFrom(dtype, [value]) });
  }

  /** A 1-D int64 constant (shapes, axes, starts, ...). */
  int64s(values: readonly number[]): Tensor {
    return this.constant({ dtype: 'int64', dims: [values.length], data: hostArrayFrom('int64', values) });
  }

  /** Marks a tensor as a graph output, optionally renaming it. */
  output(t: Tensor, name?: string): Tensor {
    if (name !== undefined && name !== t.name) this.rename(t, name);
    if (!this.outputs.includes(t)) this.outputs.push(t);
    return t;
  }

  /** Gives a tensor a chosen (unique) name; its consumers follow since they hold the object. */
  rename(t: Tensor, name: string): Tensor {
    if (this.usedNames.has(name)) throw new Error(`tensor name '${name}' is already used in graph ${this.name}`);
    this.usedNames.delete(t.name);
    this.usedNames.add(name);
    t.name = name;
    return t;
  }

  /** Whether a tensor already has this name. */
  isNameUsed(name: string): boolean {
    return this.usedNames.has(name);
  }

  /** Runs `build` with node and tensor names prefixed by `scope/`, e.g. `model.layers.0.mlp`. */
  scope<T>(scope: string, build: () => T): T {
    const saved = this.scopePrefix;
    this.scopePrefix = `${saved}${scope}/`;
    try {
      return build();
    } finally {
      this.scopePrefix = saved;
    }
  }

  /** Like `scope`, but `prefix` replaces the current scope instead of nesting in it. */
  rootScope<T>(prefix: string, build: () => T): T {
    const saved = this.scopePrefix;
    this.scopePrefix = prefix === '' ? '' : `${prefix}/`;
    try {
      return build();
    } finally {
      this.scopePrefix = saved;
    }
  }

  /** Appends a node; output names derive from the node name for stable, readable graphs. */
  addNode(opType: string, inputs: readonly (Tensor | undefined)[], attrs: Attrs, outputs: readonly OutputSpec[]): Tensor[] {
    const nodeName = this.uniqueName(opType);
    const node: Node = { name: nodeName, opType, inputs, attrs, outputs: [] };
    node.outputs = outputs.map((spec, i) => {
      const name = outputs.length === 1 ? nodeName : this.claim(`${nodeName}_out${i}`);
      return new Tensor(name, spec.dtype, spec.shape, 'computed', node);
    });
    if (outputs.length === 1) this.usedNames.add(nodeName);
    this.nodes.push(node);
    return node.outputs;
  }

  /** Single-output convenience over addNode. */
  protected op(opType: string, inputs: readonly (Tensor | undefined)[], dtype: DType, shape: Shape, attrs: Attrs = {}): Tensor {
    return this.addNode(opType, inputs, attrs, [{ dtype, shape }])[0];
  }

  /** A fresh `scope/base_k` name. */
  protected uniqueName(base: string): string {
    const stem = `${this.scopePrefix}${base}`;
    let k = this.counters.get(stem) ?? 0;
    while (this.usedNames.has(`${stem}_${k}`)) k++;
    this.counters.set(stem, k + 1);
    return `${stem}_${k}`;
  }

  private claim(name: string): string {
    if (this.usedNames.has(name)) throw new Error(`tensor name '${name}' is already used in graph ${this.name}`);
    this.usedNames.add(name);
    return name;
  }

  /** Unique symbolic dim name for a size only known at run time. */
  protected freshDim(hint: string): Dim {
    return this.uniqueName(`${hint}_dim`);
  }

  protected requireFloat(t: Tensor, op: string): void {
    if (!isFloating(t.dtype)) throw new Error(`${op} needs a floating-point tensor, got ${t.name}: ${t.dtype}`);
  }
}

function checkSourceSize(name: string, source: InitializerSource): void {
  const count = source.dims.reduce((a, b) => a * b, 1);
  if (isFileSlice(source)) {
    const need = count * bytesPerElement(source.dtype);
    if (source.length !== need) {
      throw new Error(`initializer ${name}: dims [${source.dims}] of ${source.dtype} need ${need} bytes, ${source.file} slice has ${source.length}`);
    }
  } else if (source.data.length !== count) {
    throw new Error(`initializer ${name}: dims [${source.dims}] need ${count} elements, data has ${source.data.length}`);
  }
}
