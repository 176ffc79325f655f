// Public API of the training-graph engine: build a graph, differentiate it, serialise it, run it.
export { Graph } from './graph';
export { Tensor, int, ints, float, str } from './ir';
export type { Dim, Shape, TensorData, FileSlice, InitializerSource, TensorKind, Node, AttrValue, Attrs } from './ir';
export type { Operand } from './opsMath';
export { TO_END } from './opsShape';
export type { SliceSpec } from './opsShape';
export type { ScatterReduction } from './opsIndex';
export { allocate, bytesPerElement, hostArrayFrom, isDifferentiable } from './dtypes';
export type { DType, HostArray } from './dtypes';

export { backward, gradients } from './autodiff/gradients';
export type { Backward, GradientOptions } from './autodiff/gradients';
export { registerRecomputeSegment, recomputeSegmentsOf } from './autodiff/recompute';
export type { RecomputeSegment } from './autodiff/recompute';
export type { GradientContext, GradientRule } from './autodiff/types';

export { dimOf, linear, logSumExp, rmsNorm, silu, swiglu } from './layers/basic';
export type { WeightLayout } from './layers/basic';
export { applyRope, positionsFromOffset, ropeTables } from './layers/rope';
export type { RopeLayout, RopeTables } from './layers/rope';
export { causalMask, groupedQueryAttention, repeatKv, splitHeads } from './layers/attention';
export type { AttentionOptions, AttentionResult, MaskStyle } from './layers/attention';
export { crossEntropy } from './layers/crossEntropy';
export { chunkedCrossEntropy, classifierHeadOf, DEFAULT_VOCAB_CHUNK, registerClassifierHead } from './layers/chunkedCrossEntropy';
export type { ClassifierHead } from './layers/chunkedCrossEntropy';
export type { CrossEntropyOptions, CrossEntropyResult } from './layers/crossEntropy';

export { scheduleUpcasts } from './upcasts';
export { ALLOCATOR_ENV, allocatorEnvMissing, withAllocatorEnv } from './allocator';
export { IR_VERSION, OPSET_VERSION } from './onnxSchema';
export { saveModel, serializeModel } from './serialize';
export type { SavedModel, SaveOptions, SerializedModel } from './serialize';
export { EngineSession } from './session';
export type { EngineSessionOptions, HostTensor, LoadStage, ModelSource } from './session';
export { CUDA_SETUP_HINT, WEBGPU_SETUP_HINT, DEVICES, DEVICE_LABEL, cudaProviderInstalled } from './device';
export { describePlacement, placementFromProfile, type PlacementReport } from './placement';
export type { Device, ResolvedDevice } from './device';
