/**
 * The comparison section's part of the dashboard contract: the configurations of sweeps and of evaluated runs outside
 * sweeps side by side (mean ± 95% CI across seeds, paired differences against a chosen baseline, the Pareto front of
 * accuracy against trainable parameters). Types and plain functions only: imported by the extension and the webview.
 */

/** A mean across seeds with its 95% t-interval (null bounds with a single seed). */
export interface IntervalCell {
  mean: number;
  low: number | null;
  high: number | null;
  /** "31.2±4.0%" or "0.812±0.020". */
  text: string;
}

/** A paired-bootstrap difference row − baseline on the common seeds and test examples. */
export interface DifferenceCell {
  estimate: number;
  low: number;
  high: number;
  excludesZero: boolean;
  verdict: 'better' | 'worse' | 'within noise';
  /** "+2.5 (−1.3 to +6.2)". */
  text: string;
}

/** The parameters a configuration is told apart by; only those that differ between rows are shown. */
export const COMPARISON_PARAMS = ['experiment', 'sweep', 'strategy', 'budget', 'percentile'] as const;
export type ComparisonParam = (typeof COMPARISON_PARAMS)[number];

export interface ComparisonRowView {
  /** `<sweep run id or experiment>/<configuration key>`: unique across sources. */
  id: string;
  configuration: string;
  params: Record<ComparisonParam, string>;
  seeds: number[];
  trainableParams: number | null;
  accuracy: IntervalCell;
  loss: IntervalCell;
  /** Per task: accuracy. */
  tasks: Record<string, IntervalCell>;
  /** Against the baseline row (absent on the baseline itself and where nothing pairs). */
  difference?: { accuracy: DifferenceCell; loss: DifferenceCell };
  /** No other row has at least its accuracy with at most its trainable parameters (one of them strictly). */
  pareto: boolean;
}

export interface ComparisonView {
  /** The parameters whose values differ between rows, in COMPARISON_PARAMS order. */
  params: ComparisonParam[];
  tasks: string[];
  rows: ComparisonRowView[];
  /** The row the differences are taken against. */
  baseline?: string;
  /** Why some rows have no difference (no common seeds or other test examples). */
  baselineNote?: string;
  sweeps: number;
  /** Experiment files whose evaluated runs outside sweeps give rows. */
  experimentsWithRuns: number;
}

/** The sort, filter and baseline the user left the comparison in: kept in the webview state across reloads. */
export interface ComparisonUiState {
  sortKey: string;
  descending: boolean;
  filter: string;
  baseline?: string;
}
