// Kept for existing callers (panel): the sensitivity arithmetic lives in core/algo.
export { percentile, summedNormalisedScores } from '../../algo';
