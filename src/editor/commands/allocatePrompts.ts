import * as vscode from 'vscode';
import type { AllocationChoice } from '../../core/experiment/planner';
import type { AllocationStrategy, BudgetKind, ThresholdScope } from '../../core/experiment/types';

/** What Allocate Experts accepts without UI; anything left out is asked for (starting from the file's values). */
export interface AllocateOptions {
  uri?: vscode.Uri | string;
  strategy?: AllocationStrategy;
  budgetKind?: BudgetKind;
  budgetValue?: number;
  percentile?: number;
  scope?: ThresholdScope;
}

interface Choice<T> extends vscode.QuickPickItem {
  value: T;
}

async function pick<T>(title: string, items: Choice<T>[], current: T): Promise<T | undefined> {
  const ordered = [...items].sort((a, b) => Number(b.value === current) - Number(a.value === current));
  const picked = await vscode.window.showQuickPick(
    ordered.map((item) => (item.value === current ? { ...item, description: `${item.description ?? ''} (current)`.trim() } : item)),
    { title, ignoreFocusOut: true },
  );
  return picked?.value;
}

async function askNumber(title: string, current: number | undefined, check: (n: number) => string | undefined): Promise<number | undefined> {
  const answer = await vscode.window.showInputBox({
    title,
    value: current === undefined ? '' : String(current),
    ignoreFocusOut: true,
    validateInput: (text) => (Number.isFinite(Number(text)) && text.trim() !== '' ? check(Number(text)) : 'Enter a number.'),
  });
  return answer === undefined ? undefined : Number(answer);
}

const STRATEGIES: Choice<AllocationStrategy>[] = [
  { label: 'vote', value: 'vote', detail: "The paper's method: each task votes for the modules above its sensitivity percentile." },
  { label: 'uniform', value: 'uniform', detail: 'The same number of experts on every target module.' },
  { label: 'layerwise', value: 'layerwise', detail: 'MoLA-style: more experts in deeper layers (by depth quarter).' },
  { label: 'proportional', value: 'proportional', detail: 'Experts in proportion to normalised sensitivity.' },
];

const BUDGET_KINDS: Choice<BudgetKind>[] = [
  { label: 'none', value: 'none', detail: 'No budget: the strategy decides (vote: one expert per vote).' },
  { label: 'experts', value: 'experts', detail: 'A total number of experts.' },
  { label: 'params', value: 'params', detail: 'A number of trainable parameters.' },
  { label: 'loraRank', value: 'loraRank', detail: 'The parameters of plain LoRA with this rank on every target module.' },
];

const SCOPES: Choice<ThresholdScope>[] = [
  { label: 'pooled', value: 'pooled', detail: 'One threshold over all candidate modules (the paper).' },
  { label: 'per-type', value: 'per-type', detail: 'One threshold per module type.' },
];

/** Completes the choice from options and prompts; undefined when the user cancels a prompt. */
export async function completeChoice(base: AllocationChoice, options: AllocateOptions): Promise<AllocationChoice | undefined> {
  const strategy = options.strategy ?? (await pick('Allocation strategy', STRATEGIES, base.strategy));
  if (!strategy) return undefined;
  const kind = options.budgetKind ?? (await pick('Budget', BUDGET_KINDS, base.budget.kind));
  if (!kind) return undefined;
  let value = options.budgetValue;
  if (kind !== 'none' && value === undefined) {
    value = await askNumber(`Budget (${kind})`, base.budget.value, (n) => (n >= 1 ? undefined : 'The budget must be at least 1.'));
    if (value === undefined) return undefined;
  }
  const choice: AllocationChoice = { ...base, strategy, budget: { ...base.budget, kind, value: kind === 'none' ? undefined : value } };
  if (strategy !== 'vote') return choice;
  const percentile = options.percentile ?? (await askNumber('Vote percentile p (a task votes for its top p% of modules)', base.percentile, (n) => (n >= 0 && n <= 100 ? undefined : 'Enter 0–100.')));
  if (percentile === undefined) return undefined;
  const scope = options.scope ?? (await pick('Vote threshold scope', SCOPES, base.scope));
  return scope ? { ...choice, percentile, scope } : undefined;
}
