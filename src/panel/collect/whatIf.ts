// The strategy what-if: the file's allocation settings with the dashboard's controls on top, allocated. Pure.
import { suggestAllocation, type AllocationChoice, type PlanModel, type SensitivityTable } from '../../core/experiment/planner';
import type { AdapterSettings, ExpertMap } from '../../core/experiment/types';
import type { WhatIfChoice, WhatIfView } from '../../protocol/webview';
import { collectAllocation } from './allocation';

export interface PlanInputs {
  adapter: AdapterSettings;
  /** The experiment file's own strategy, thresholds and budget (defaults filled in). */
  choice: AllocationChoice;
  model?: PlanModel;
  table?: SensitivityTable;
}

export function whatIfChoiceOf(choice: AllocationChoice): WhatIfChoice {
  return { strategy: choice.strategy, budgetKind: choice.budget.kind, budgetValue: choice.budget.value, percentile: choice.percentile, scope: choice.scope };
}

/** The file's choice with the controls' strategy, budget, percentile and scope (clamps and layer pattern stay). */
export function withControls(base: AllocationChoice, controls: WhatIfChoice): AllocationChoice {
  return {
    ...base,
    strategy: controls.strategy,
    percentile: controls.percentile,
    scope: controls.scope,
    budget: { ...base.budget, kind: controls.budgetKind, value: controls.budgetKind === 'none' ? undefined : controls.budgetValue },
  };
}

/** The map the controls give; throws the planner's PlanError (which says what is missing) when it cannot. */
export function whatIfMap(inputs: PlanInputs, controls: WhatIfChoice): ExpertMap {
  return suggestAllocation(inputs.model, inputs.adapter, withControls(inputs.choice, controls), inputs.table);
}

export function computeWhatIf(inputs: PlanInputs, controls: WhatIfChoice): WhatIfView {
  try {
    const map = whatIfMap(inputs, controls);
    return { choice: controls, result: collectAllocation({ title: `${controls.strategy} what-if`, map, adapter: inputs.adapter, model: inputs.model }) };
  } catch (error) {
    return { choice: controls, error: error instanceof Error ? error.message : String(error) };
  }
}
