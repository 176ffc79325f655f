// The graph IR: tensors (values), nodes and the sources of constant data.
import { DType, HostArray } from './dtypes';

/** A dimension: a static size, or a symbolic name such as 'batch' or 'seq' resolved at run time. */
export type Dim = number | string;
export type Shape = readonly Dim[];

/** Tensor contents held in memory. */
export interface TensorData {
  dtype: DType;
  dims: readonly number[];
  data: HostArray;
}

/**
 * Tensor contents that already sit in a file (e.g. a slice of a .safetensors file): the model
 * refers to them as ONNX external data, so the weights are never copied.
 */
export interface FileSlice {
  dtype: DType;
  dims: readonly number[];
  /** Absolute path of the file holding the raw little-endian bytes. */
  file: string;
  offset: number;
  length: number;
}

export type InitializerSource = TensorData | FileSlice;

export function isFileSlice(source: InitializerSource): source is FileSlice {
  return (source as FileSlice).file !== undefined;
}

/** How a tensor comes to exist: fed each run, stored in the model, or computed by a node. */
export type TensorKind = 'input' | 'initializer' | 'constant' | 'computed';

/** A value of the graph. Identity is the object; the name may change until serialisation. */
export class Tensor {
  constructor(
    public name: string,
    readonly dtype: DType,
    readonly shape: Shape,
    readonly kind: TensorKind,
    readonly producer?: Node,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  /** True when every dimension is a known number. */
  get isStatic(): boolean {
    return this.shape.every((d) => typeof d === 'number');
  }
}

export type AttrValue =
  | { type: 'int'; value: number }
  | { type: 'ints'; value: readonly number[] }
  | { type: 'float'; value: number }
  | { type: 'floats'; value: readonly number[] }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: TensorData };

export type Attrs = Record<string, AttrValue>;

/** One operator application. Missing optional inputs are `undefined` (serialised as ''). */
export interface Node {
  name: string;
  opType: string;
  inputs: readonly (Tensor | undefined)[];
  outputs: Tensor[];
  attrs: Attrs;
}

/** Attribute constructors, so call sites read `{ axis: int(-1) }`. */
export const int = (value: number): AttrValue => ({ type: 'int', value });
export const ints = (value: readonly number[]): AttrValue => ({ type: 'ints', value });
export const float = (value: number): AttrValue => ({ type: 'float', value });
export const str = (value: string): AttrValue => ({ type: 'string', value });
export const tensorAttr = (value: TensorData): AttrValue => ({ type: 'tensor', value });

export function intAttr(node: Node, name: string, fallback?: number): number {
  const attr = node.attrs[name];
  if (attr === undefined && fallback !== undefined) return fallback;
  if (attr?.type !== 'int') throw new Error(`${node.opType} node ${node.name}: missing int attribute '${name}'`);
  return attr.value;
}

export function intsAttr(node: Node, name: string): readonly number[] | undefined {
  const attr = node.attrs[name];
  return attr?.type === 'ints' ? attr.value : undefined;
}
