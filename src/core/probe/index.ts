/**
 * The sensitivity probe (DESIGN.md §3.2): S_t(W) = sum over sampled examples e of task t of ||dL_e/dW||_F^2 for
 * every target matrix of the frozen fp32 model, from one graph per job (decoder with hooks on every projection ->
 * gradients w.r.t. the projection outputs -> per-example ghost or direct norms -> one [M, B] tensor). No vscode import.
 */
export { buildProbeGraph, decoderForward, INPUT_IDS, LABELS, NORMS, type ProbeForward } from './graph';
export { batchesOf, probeTasks, type ProbeExample, type ProbeLoopOptions, type ProbeTaskInput, type ProbeTotals } from './loop';
export { cheaperMethod, clipPerExample, directNormSquared, ghostNormSquared, gram, normCost, normSquared, type NormMethod } from './norms';
export { DEFAULT_BATCH_SIZE, probeToFile, type ProbeInputs, type ProbeOutcome, type ProbePlan } from './run';
export { ProbeRunner, type ProbeRunnerOptions } from './runner';
export { methodCounts, methodsFor, targetsOf, type BatchShape, type MethodChoice, type ProbeTarget } from './targets';
