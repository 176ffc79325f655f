/**
 * The LoRA-SMoE allocation core (DESIGN.md §3.2–3.3), pure and fast enough for the extension host:
 * sensitivity tables (read/write, the authors' JSONL folders), numpy-exact percentiles, the paper's vote with
 * pooled or per-type thresholds, the uniform / layerwise / proportional baselines, budgets in experts,
 * parameters or a plain-LoRA rank, parameter accounting for both adapter styles, summaries and per-module hints.
 */
export { allocateExperts, type AllocationRequest, type AllocationResult } from './allocate';
export { allocateLayerwise, allocateProportional, allocateUniform, DEFAULT_LAYERWISE } from './baselines';
export {
  clampMap, costingFor, DEFAULT_ADAPTER, fillRemainder, largestFitting, totalExperts, trimToBudget,
  type BudgetContext, type Costing, type Family, type TrimOptions,
} from './budget';
export {
  describeEstimate, estimatePeakMemory, GIB, largestFittingRun, memoryRefusal, planJobMemory, resolveRecompute, type FitSettings, type RecomputeSetting, type MemoryEstimate, type MemoryJob, type MemoryJobKind,
} from './memory';
export { candidateModules, compareModuleNames, layerCount, orderedExpertMap, stripWeight, tableModules } from './modules';
export { loraParams, loraParamsPerRank, loraRankEquivalent, mapTrainableParams, moduleTrainableParams, namedModuleParams, shapeOf } from './params';
export { percentile, percentileOfSorted } from './percentile';
export {
  parseSensitivityJson, parseSensitivityJsonl, rankBySensitivity, readSensitivity, SENSITIVITY_FILE, sensitivityText,
  summedNormalisedScores, writeSensitivity,
} from './sensitivity';
export { moduleHints, summarizeAllocation, type AllocationSummary, type GroupSum, type ModuleHint, type SummaryContext } from './summary';
export {
  AllocationError, type AdapterShape, type AdapterStyle, type AllocationStrategy, type Budget, type BudgetKind, type ExpertMap,
  type SensitivityTable, type ThresholdScope,
} from './types';
export { allocateByVote, voteFamily, type VoteOptions } from './vote';
export {
  DEFAULT_STABILITY_REPLICATES, probeStability, STABILITY_FILE, stabilityCurve, stabilityHint, stabilityReport,
  type ProbeSamples, type Stability, type StabilityOptions, type StabilityPoint, type StabilityReport,
} from './stability';
export { PROBE_SAMPLES_FILE, readProbeSamples, stabilityHintBeside, writeProbeSamples, type ProbedExample, type ProbeSamplesFile } from './probeSamples';
