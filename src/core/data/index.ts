/**
 * Datasets (DESIGN.md §3.4): LLM-Adapters records or pre-tokenized records from JSON arrays or JSON Lines
 * (format auto-detected, malformed records skipped and reported by line), the Alpaca prompt, encoding with
 * response-only labels, seeded sampling, answer patterns and right-padded batches. No vscode import.
 */
export { ANSWER_PATTERNS, answerPatternFor, defaultAnswerPattern, extractAnswer } from './answers';
export { batchWidth, chunk, longestOf, MIN_BATCH_LENGTH, PAD_MULTIPLE, padBatch, paddedLength, PICK_SCORED_UP_TO, picksScoredRows, type PaddedBatch } from './batch';
export {
  encodePrompt, encodeRecord, encodeTextRecord, IGNORE_INDEX, scoredTokens, truncateTokenized,
  type EncodedExample, type EncodeOptions, type Tokenizer,
} from './encode';
export { alpacaPrompt } from './prompt';
export { DatasetError, parseDataset, readDataset, readDatasetSync, skippedMessages, type Dataset } from './read';
export { deriveSeed, sampleExamples, sampleIndices, SeededRandom } from './random';
export {
  recordFromJson, type DatasetFormat, type DatasetRecord, type ParsedRecord, type SkippedRecord, type TextRecord, type TokenizedRecord,
} from './records';
