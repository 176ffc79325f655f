// Types of the allocation algorithms (DESIGN.md §3.3). The experiment layer's types are structurally the same.

/** Module name (no `.weight`) → experts; absent or 0 = no adapter, 1 = plain LoRA. */
export type ExpertMap = Record<string, number>;
export type AdapterStyle = 'shared-a' | 'independent';
export type ThresholdScope = 'pooled' | 'per-type';
export type AllocationStrategy = 'vote' | 'uniform' | 'layerwise' | 'proportional';

/** Per task, per module (no `.weight`): summed squared gradient norms S_t(W) (DESIGN.md §3.2). */
export interface SensitivityTable {
  tasks: Record<string, Record<string, number>>;
  meta?: Record<string, unknown>;
}

/** How much an allocation may spend; `loraRank` = the parameters of plain LoRA of that rank on the same modules. */
export type Budget =
  | { kind: 'none' }
  | { kind: 'experts'; value: number }
  | { kind: 'params'; value: number }
  | { kind: 'loraRank'; value: number };

export type BudgetKind = Budget['kind'];

/** What parameter accounting needs of the adapter. */
export interface AdapterShape {
  style: AdapterStyle;
  rank: number;
}

/** A request that cannot be served as asked (no sensitivity for `vote`, no shapes for a parameter budget, ...). */
export class AllocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllocationError';
  }
}
