import * as vscode from 'vscode';
import { sectionDefaults } from '../core/experiment/defaults';
import { removePropertiesEdits, setValueEdits, type Edit } from '../core/experiment/edits';
import { orderedExpertMap } from '../core/experiment/expertMap';
import { SECTION_KEYS, type SectionKey } from '../core/experiment/checks';
import { trimToBudget } from '../core/experiment/planner';
import { spanAt } from '../core/experiment/positions';
import type { ExperimentProblem, ProblemCode } from '../core/experiment/problems';
import type { ExperimentAnalysis, ExperimentAnalyzer } from './analysis';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { planOf } from './plans';
import { formattingFor, rangeOf, workspaceEditOf } from './textEdits';

type Fix = (context: FixContext, diagnostic: vscode.Diagnostic) => vscode.CodeAction[];

interface FixContext {
  document: vscode.TextDocument;
  analysis: ExperimentAnalysis;
}

/** The problem behind a diagnostic: same code, message and range. */
function problemFor(context: FixContext, diagnostic: vscode.Diagnostic): ExperimentProblem | undefined {
  return context.analysis.problems.find(
    (p) => p.code === diagnostic.code && p.message === diagnostic.message && rangeOf(context.document, spanAt(context.analysis.parsed, p.path, p.target)).isEqual(diagnostic.range),
  );
}

function action(title: string, context: FixContext, diagnostic: vscode.Diagnostic, edits: Edit[], preferred = false): vscode.CodeAction {
  const fix = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  fix.diagnostics = [diagnostic];
  fix.edit = workspaceEditOf(context.document, edits);
  fix.isPreferred = preferred;
  return fix;
}

function setExperts(context: FixContext, map: Record<string, number>): Edit[] {
  return setValueEdits(context.document.getText(), ['experts'], orderedExpertMap(map), formattingFor(context.document));
}

function applySuggestion(context: FixContext, diagnostic: vscode.Diagnostic): vscode.CodeAction[] {
  const plan = planOf(context.analysis);
  if (!plan.suggestion || !plan.inline) return [];
  return [action(`Apply the suggested allocation (${plan.choice.strategy})`, context, diagnostic, setExperts(context, plan.suggestion))];
}

function trim(context: FixContext, diagnostic: vscode.Diagnostic): vscode.CodeAction[] {
  const plan = planOf(context.analysis);
  if (!plan.inline) return [];
  const table = context.analysis.sensitivity?.table;
  const trimmed = trimToBudget(context.analysis.model, plan.adapter, plan.choice.budget, plan.map, table);
  const how = table ? 'drop the lowest-sensitivity experts first' : 'no probe result: drop from the largest modules first';
  return [action(`Trim to budget (${how})`, context, diagnostic, setExperts(context, trimmed), true), ...applySuggestion(context, diagnostic)];
}

function unknownModuleNames(context: FixContext): string[] {
  return context.analysis.problems.filter((p) => p.code === 'unknown-module' && p.path.length === 2).map((p) => p.path[1] as string);
}

function removeUnknown(context: FixContext, diagnostic: vscode.Diagnostic): vscode.CodeAction[] {
  const text = context.document.getText();
  const format = formattingFor(context.document);
  const problem = problemFor(context, diagnostic);
  const here = problem?.path.length === 2 ? (problem.path[1] as string) : undefined;
  const all = unknownModuleNames(context);
  const fixes: vscode.CodeAction[] = [];
  if (here) fixes.push(action(`Remove unknown module "${here}"`, context, diagnostic, removePropertiesEdits(text, ['experts'], [here], format), all.length === 1));
  if (all.length > 1) fixes.push(action(`Remove all ${all.length} unknown modules`, context, diagnostic, removePropertiesEdits(text, ['experts'], all, format), true));
  return fixes;
}

function clampCount(context: FixContext, diagnostic: vscode.Diagnostic): vscode.CodeAction[] {
  const plan = planOf(context.analysis);
  const problem = problemFor(context, diagnostic);
  if (problem?.path[0] !== 'experts' || problem.path.length !== 2 || !plan.inline) return applySuggestion(context, diagnostic);
  const { minExperts, maxExperts } = plan.choice.budget;
  const name = problem.path[1] as string;
  const clamped = Math.min(maxExperts, Math.max(minExperts, plan.map[name] ?? 0));
  const edits = setValueEdits(context.document.getText(), ['experts', name], clamped, formattingFor(context.document));
  return [action(`Set "${name}" to ${clamped} experts`, context, diagnostic, edits, true), ...applySuggestion(context, diagnostic)];
}

function addSection(context: FixContext, diagnostic: vscode.Diagnostic): vscode.CodeAction[] {
  const problem = problemFor(context, diagnostic);
  const key = problem?.path[0];
  if (!(SECTION_KEYS as readonly unknown[]).includes(key)) return [];
  const section = key as SectionKey;
  const edits = setValueEdits(context.document.getText(), [section], sectionDefaults(section), formattingFor(context.document));
  return [action(`Add the "${section}" section with its defaults`, context, diagnostic, edits, true)];
}

const FIXES: Partial<Record<ProblemCode, Fix>> = {
  'over-budget': trim,
  'unknown-module': removeUnknown,
  'experts-above-max': clampCount,
  'experts-below-min': clampCount,
  'missing-section': addSection,
};

/** Quick fixes for our own diagnostics; the edits are computed from the same analysis that produced them. */
export class ExperimentCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly analyzer: ExperimentAnalyzer) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'string' && d.code in FIXES);
    if (ours.length === 0) return [];
    const analysis = await this.analyzer.analyze(document);
    if (analysis.version !== document.version) return [];
    return ours.flatMap((d) => FIXES[d.code as ProblemCode]!({ document, analysis }, d));
  }
}
