import type * as vscode from 'vscode';
import type { ExperimentPlan } from './plans';

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function budgetPart(plan: ExperimentPlan): string | undefined {
  const { kind, value } = plan.choice.budget;
  if (value === undefined || kind === 'none') return undefined;
  if (kind === 'experts') return `budget ${formatCount(value)} experts`;
  if (kind === 'params') return `budget ${formatCount(value)} params`;
  return `budget = LoRA r ${value}`;
}

/** `12 experts on 4 modules · 3,456 trainable params · ≈ plain LoRA r 5.3 · budget 12 experts` */
export function budgetTitle(plan: ExperimentPlan): string {
  const { summary } = plan;
  const parts = [`${summary.totalExperts} experts on ${summary.modulesWithAdapters} modules`];
  if (summary.trainableParams === undefined) parts.push('parameters unknown until model.path can be read');
  else parts.push(`${formatCount(summary.trainableParams)} trainable params`);
  if (summary.loraRankEquivalent !== undefined) parts.push(`≈ plain LoRA r ${summary.loraRankEquivalent.toFixed(1)}`);
  const budget = budgetPart(plan);
  if (budget) parts.push(budget);
  return parts.join(' · ');
}

/** `3 experts · sensitivity #2 of 8 · vote suggests 4` */
export function moduleTitle(plan: ExperimentPlan, module: string): string {
  const hint = plan.hints.get(module);
  const count = hint?.count ?? plan.map[module] ?? 0;
  const parts = [`${count} expert${count === 1 ? '' : 's'}`];
  if (hint?.sensitivityRank !== undefined) parts.push(`sensitivity #${hint.sensitivityRank} of ${hint.of}`);
  else parts.push(plan.measured ? 'not measured by the probe' : 'no probe result');
  if (plan.suggestion) parts.push(`${plan.choice.strategy} suggests ${plan.suggestion[module] ?? 0}`);
  return parts.join(' · ');
}

/** The action beside a module hint: Apply the suggestion, a tick when it already matches, or Probe when there is none. */
export function suggestionTitle(plan: ExperimentPlan, uri: vscode.Uri, module: string): vscode.Command {
  if (!plan.suggestion) return { title: 'Probe for a suggestion', command: 'smoe.probe', arguments: [uri], tooltip: plan.suggestionError };
  const suggested = plan.suggestion[module] ?? 0;
  if (suggested === (plan.map[module] ?? 0)) return { title: '✓ as suggested', command: '' };
  return { title: suggested === 0 ? 'Apply 0 (remove)' : `Apply ${suggested}`, command: 'smoe.applySuggestedAllocation', arguments: [{ uri, module }] };
}
