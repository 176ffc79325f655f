// The protobufjs message types of the official onnx.proto, parsed once on first use.
import * as protobuf from 'protobufjs';
import { ONNX_PROTO_TEXT } from './onnxProto';

/** Opset of every node the engine emits (opset 18: reductions take axes as an input). */
export const OPSET_VERSION = 18;
/** The IR version that goes with opset 18. */
export const IR_VERSION = 8;

let root: protobuf.Root | undefined;

function onnxRoot(): protobuf.Root {
  root ??= protobuf.parse(ONNX_PROTO_TEXT, { keepCase: true }).root;
  return root;
}

/** A message type of the onnx package, e.g. `onnxType('ModelProto')`. */
export function onnxType(name: 'ModelProto' | 'TensorProto' | 'GraphProto' | 'NodeProto'): protobuf.Type {
  return onnxRoot().lookupType(`onnx.${name}`);
}

/** AttributeProto.AttributeType values. */
export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** TensorProto.DataLocation.EXTERNAL */
export const DATA_LOCATION_EXTERNAL = 1;
