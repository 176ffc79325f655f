// onnxruntime's own messages name kernels and node ids, not the user's files or settings. A failed run is said in
// the user's terms (what to change), and the raw message is kept as `cause` for SMOE_DEBUG and bug reports.
export class EngineRunError extends Error {
  constructor(message: string, override readonly cause: unknown) {
    super(message);
    this.name = 'EngineRunError';
  }
}

const KNOWN: { pattern: RegExp; message: string }[] = [
  {
    pattern: /BFCArena|Failed to allocate|bad_alloc|out of memory|OOM/i,
    message: 'the engine ran out of memory: lower training.microBatchSize (or probe.batchSize / evaluation.batchSize), maxLength or adapter.rank, or use a smaller model',
  },
  {
    pattern: /Gather|indices element out of data bounds|idx=\d+ must be within/i,
    message: 'a token id is outside the model\'s vocabulary: pre-tokenized data must use ids below the vocab_size of the model\'s config.json (check the task\'s data file), or the tokenizer belongs to another model',
  },
];

/** The error a failed onnxruntime run becomes: specific advice when the cause is recognised, general advice otherwise. */
export function engineRunError(error: unknown, what: string): EngineRunError {
  const raw = error instanceof Error ? error.message : String(error);
  const known = KNOWN.find((k) => k.pattern.test(raw));
  const advice = known?.message ?? 'the inputs do not fit the model (check the data, adapter.rank, the expert counts and the batch sizes); run with SMOE_DEBUG=1 for the engine\'s own message';
  return new EngineRunError(`${what} failed: ${advice}`, error);
}
