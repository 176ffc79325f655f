// The ONNX message types from the onnx-proto package (onnx.proto of IR version 8, compiled by protobufjs).
import { onnx } from 'onnx-proto';

/** Opset of every node the engine emits (opset 18: reductions take axes as an input). */
export const OPSET_VERSION = 18;
/** The IR version that goes with opset 18. */
export const IR_VERSION = 8;

/** The ModelProto message type (encode/decode/fromObject/toObject, camelCase field names). */
export const ModelProto = onnx.ModelProto;

/** AttributeProto.AttributeType values. */
export const ATTRIBUTE_TYPE = onnx.AttributeProto.AttributeType;

/** TensorProto.DataLocation.EXTERNAL */
export const DATA_LOCATION_EXTERNAL = onnx.TensorProto.DataLocation.EXTERNAL;
