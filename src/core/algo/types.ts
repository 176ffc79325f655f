// Types of the allocation algorithms (DESIGN.md §3.3); the experiment layer re-exports them.

import type { AdapterStyle, ExpertMap } from '../model/adapters/config';

export type { AdapterStyle, ExpertMap };
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
