// Public API of the model layer: checkpoints in every format, tokenizers, tiny models, the decoder graph and generation.
export * from './config';
export { ModelFileError } from './errors';
export {
  encodeSafetensors, fileSliceOf, readSafetensors, readSafetensorsHeader, readTensor, writeSafetensors, STORED_DTYPES,
} from './safetensors';
export type { SafetensorsHeader, StoredDtype, TensorLocation, WeightTensor, WriteOptions } from './safetensors';
export { checkTensorShapes, EMBEDDING, FINAL_NORM, LM_HEAD, inputNormName, postAttentionNormName, permuteRopeRows, weightSpecs, withRopeLayout } from './weights';
export type { LoadedModel, WeightSpec } from './weights';
export { hfConfigJson, parseHfConfig, SUPPORTED_MODEL_TYPES } from './hfConfig';
export { locateHfModel, readHfConfigFile, saveHfFolder } from './hfFolder';
export type { HfSaveOptions } from './hfFolder';
export { llama2cConfig, llama2cProblems, locateLlama2c, readLlama2cHeader, saveLlama2c } from './llama2c';
export type { Llama2cHeader } from './llama2c';
export { describeModel, detectFormat, loadModel, locateCheckpoint, modelFacts, readArchitecture } from './load';
export type { FormatChoice, LocatedCheckpoint, ModelDescription } from './load';
export { randomModel, seededUniform, tinyConfig } from './tinyModel';
export { decodeContinuation } from './tokenizer/types';
export type { TextTokenizer } from './tokenizer/types';
export { HfTokenizer } from './tokenizer/hfTokenizer';
export { Llama2cTokenizer, readLlama2cVocabulary } from './tokenizer/llama2cTokenizer';
export { defaultTokenizerPath, loadTokenizer } from './tokenizer/load';
export { buildDecoder, decoderLoss } from './decoder/decoder';
export type { DecoderOptions, DecoderResult } from './decoder/decoder';
export { decoderLayer } from './decoder/layer';
export type { LayerOptions, LayerResult, ProjectionAdapter, ProjectionContext } from './decoder/layer';
export { frozenWeights, inputWeights, isLoaded } from './decoder/weightSource';
export type { ModelWeights, WeightLookup } from './decoder/weightSource';
export { buildLogitsGraph, LogitsRunner, sessionForModel } from './decoder/sessions';
export type { AdapterInstaller } from './decoder/sessions';
export { buildStepGraph, greedyByRecomputation, KvCacheGenerator, stopIdsOf } from './decoder/generator';
export type { GenerateOptions } from './decoder/generator';
export { argmax, sampleTopP, tokenChooser } from './decoder/sampling';
export type { SamplingOptions } from './decoder/sampling';
