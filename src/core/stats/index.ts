/**
 * Statistics for comparing runs (at the algo level: pure, no I/O): mean ± t-interval across seeds, Student's t,
 * and a seeded paired bootstrap for differences on the same seeds and test examples. Checked against
 * test/reference/stats_reference.py (numpy + scipy).
 */
export { DEFAULT_BOOTSTRAP_SEED, DEFAULT_REPLICATES, pairedBootstrap, type PairedBootstrapOptions, type PairedDifference, type PairedTask } from './bootstrap';
export { meanInterval, meanOf, sampleSd, type MeanInterval } from './intervals';
export { incompleteBeta, logGamma, studentTCdf, studentTQuantile } from './tDistribution';
export { ACCURACY_POINTS, describeDifference, formatMeanInterval, LOSS_DIFFERENCE, verdictOf, type DifferenceFormat, type Verdict } from './verdict';
export { compareSeeded, type PerExample, type SeededExamples } from './seeded';
