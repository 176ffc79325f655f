import { parseModuleName } from '../../model/config';
import type { ExperimentFacts } from '../facts';
import { inlineExpertMap, isObject, numberOr, sectionOf } from '../lenient';
import { problem, type ExperimentProblem } from '../problems';
import type { ExpertMap } from '../types';
import type { JsonPath } from '../validate';
import { closestName } from './closestName';

const DEFAULT_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj'];

/** The map under check: inline (problems on its entries) or from the file `experts` names (problems on that path). */
interface MapUnderCheck {
  map: ExpertMap;
  entryPath(name: string): JsonPath;
  inline: boolean;
}

function mapUnderCheck(raw: unknown, facts: ExperimentFacts): MapUnderCheck | ExperimentProblem[] {
  const inline = inlineExpertMap(raw);
  if (inline) return { map: inline, entryPath: (name) => ['experts', name], inline: true };
  const experts = isObject(raw) ? raw.experts : undefined;
  if (typeof experts !== 'string' || !facts.expertsFile) return [];
  if ('error' in facts.expertsFile) {
    return [problem('experts-file', 'error', ['experts'], `experts "${experts}": ${facts.expertsFile.error}; point it at a JSON object of module name → expert count, or write the map inline.`)];
  }
  return { map: facts.expertsFile.map, entryPath: () => ['experts'], inline: false };
}

/** Unknown or untargeted modules, counts outside [minExperts, maxExperts], and the total against the budget. */
export function checkExperts(raw: unknown, facts: ExperimentFacts): ExperimentProblem[] {
  const subject = mapUnderCheck(raw, facts);
  if (Array.isArray(subject)) return subject;
  return [...checkModuleNames(raw, subject, facts), ...checkCounts(raw, subject, facts), ...checkBudget(raw, subject.map, facts)];
}

function checkModuleNames(raw: unknown, subject: MapUnderCheck, facts: ExperimentFacts): ExperimentProblem[] {
  const targets = sectionOf(raw, 'adapter').targetModules;
  const targetTypes = new Set(Array.isArray(targets) ? targets : DEFAULT_TARGETS);
  const known = facts.model?.status === 'ok' ? new Set(facts.model.modules) : undefined;
  const out: ExperimentProblem[] = [];
  for (const name of Object.keys(subject.map)) {
    const where = subject.entryPath(name);
    const parsed = parseModuleName(name);
    if (known && !known.has(name)) {
      // A well-formed name with a layer the model lacks is not a typo: the nearest name would be another layer's.
      const near = parsed ? undefined : closestName(name, known);
      const fix = near ? `did you mean "${near}"? Correct the name or remove it (quick fix)` : 'remove it (quick fix) or correct the name (model.layers.N.self_attn.q_proj style)';
      out.push(problem('unknown-module', 'error', where, `"${name}" is not a module of the model at model.path; ${fix}.`, 'key'));
      continue;
    }
    if (parsed && !targetTypes.has(parsed.type)) {
      out.push(problem('module-not-targeted', 'warning', where, `"${name}" is a ${parsed.type} module, which adapter.targetModules does not list; add "${parsed.type}" there or remove the entry.`, 'key'));
    }
  }
  return out;
}

function checkCounts(raw: unknown, subject: MapUnderCheck, facts: ExperimentFacts): ExperimentProblem[] {
  const budget = sectionOf(raw, 'budget');
  const min = numberOr(budget, 'minExperts', 0);
  const max = numberOr(budget, 'maxExperts', 8);
  const out: ExperimentProblem[] = [];
  for (const [name, count] of Object.entries(subject.map)) {
    const where = subject.entryPath(name);
    if (count > max) out.push(problem('experts-above-max', 'error', where, `"${name}" has ${count} experts, more than budget.maxExperts ${max}; lower it to ${max} or raise budget.maxExperts.`));
    else if (count < min) out.push(problem('experts-below-min', 'error', where, `"${name}" has ${count} experts, fewer than budget.minExperts ${min}; raise it to ${min} or lower budget.minExperts.`));
  }
  out.push(...absentBelowMin(raw, subject, facts, min));
  return out;
}

function absentBelowMin(raw: unknown, subject: MapUnderCheck, facts: ExperimentFacts, min: number): ExperimentProblem[] {
  if (min <= 0 || facts.model?.status !== 'ok') return [];
  const targets = sectionOf(raw, 'adapter').targetModules;
  const targetTypes = new Set(Array.isArray(targets) ? targets : DEFAULT_TARGETS);
  const absent = facts.model.modules.filter((name) => targetTypes.has(parseModuleName(name)?.type ?? '') && !(name in subject.map));
  if (absent.length === 0) return [];
  return [
    problem('experts-below-min', 'warning', ['experts'], `${absent.length} target module(s) have no entry (0 experts) although budget.minExperts is ${min}, e.g. "${absent[0]}"; allocate again or lower budget.minExperts.`, 'key'),
  ];
}

function checkBudget(raw: unknown, map: ExpertMap, facts: ExperimentFacts): ExperimentProblem[] {
  const budget = sectionOf(raw, 'budget');
  const kind = budget.kind;
  if (kind !== 'experts' && kind !== 'params' && kind !== 'loraRank') return [];
  if (typeof budget.value !== 'number') {
    return [problem('budget-incomplete', 'error', ['budget', 'kind'], `budget.kind is "${kind}" but budget.value is not set; add budget.value (${kind === 'experts' ? 'total experts' : kind === 'params' ? 'trainable parameters' : 'a LoRA rank'}).`)];
  }
  const used = budgetUsage(kind, budget.value, map, facts);
  if (!used || used.spent <= used.limit) return [];
  const what = kind === 'experts' ? 'experts' : 'trainable parameters';
  const limitNote = kind === 'loraRank' ? ` (plain LoRA rank ${budget.value} on every target module)` : '';
  return [
    problem('over-budget', 'error', ['experts'], `the map uses ${fmt(used.spent)} ${what}, over the budget of ${fmt(used.limit)}${limitNote} by ${fmt(used.spent - used.limit)}; trim to budget (quick fix) or raise budget.value.`, 'key'),
  ];
}

function budgetUsage(kind: 'experts' | 'params' | 'loraRank', value: number, map: ExpertMap, facts: ExperimentFacts): { spent: number; limit: number } | undefined {
  if (kind === 'experts') return { spent: Object.values(map).reduce((a, b) => a + Math.max(0, b), 0), limit: value };
  if (!facts.accounting) return undefined;
  const spent = facts.accounting.trainable(map);
  return { spent, limit: kind === 'params' ? value : facts.accounting.loraRankEquivalent(value) };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
