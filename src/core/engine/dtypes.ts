/** Element types the engine knows. float16/bfloat16 only enter a graph to be cast to float32. */
export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool' | 'float16' | 'bfloat16';

/** Host storage for each element type (float16/bfloat16 keep their raw bits). */
export interface TypedArrayOf {
  float32: Float32Array;
  float64: Float64Array;
  int64: BigInt64Array;
  int32: Int32Array;
  bool: Uint8Array;
  float16: Uint16Array;
  bfloat16: Uint16Array;
}
export type HostArray = TypedArrayOf[DType];

/** TensorProto.DataType codes from onnx.proto. */
const ONNX_CODES: Record<DType, number> = {
  float32: 1,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
  bfloat16: 16,
};

const BYTE_SIZES: Record<DType, number> = {
  float32: 4,
  float64: 8,
  int64: 8,
  int32: 4,
  bool: 1,
  float16: 2,
  bfloat16: 2,
};

export function onnxTypeCode(dtype: DType): number {
  return ONNX_CODES[dtype];
}

export function bytesPerElement(dtype: DType): number {
  return BYTE_SIZES[dtype];
}

/** True for the types gradients flow through (float16/bfloat16 are cast-in only). */
export function isDifferentiable(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}

/** Allocates zeroed host storage of `size` elements. */
export function allocate(dtype: DType, size: number): HostArray {
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int64': return new BigInt64Array(size);
    case 'int32': return new Int32Array(size);
    case 'bool': return new Uint8Array(size);
    case 'float16':
    case 'bfloat16': return new Uint16Array(size);
    default: {
      const never: never = dtype;
      throw new Error(`unknown dtype ${String(never)}`);
    }
  }
}

/** Host storage filled from plain numbers (int64 values are converted to bigint). */
export function hostArrayFrom(dtype: DType, values: readonly number[]): HostArray {
  const out = allocate(dtype, values.length);
  if (out instanceof BigInt64Array) values.forEach((v, i) => { out[i] = BigInt(v); });
  else values.forEach((v, i) => { out[i] = v; });
  return out;
}
