import * as os from 'node:os';
import * as vscode from 'vscode';
import type { Node } from 'jsonc-parser';
import { memoryLensTitle } from '../core/experiment/memoryLens';
import { stabilityHintBeside } from '../core/algo/probeSamples';
import { parseWithPositions } from '../core/experiment/positions';
import { probeSamplesOf, taskCountOf } from '../core/experiment/settings';
import type { WorkspaceModel } from '../workspace/workspaceModel';
import { budgetTitle, moduleTitle, suggestionTitle } from './lensTitles';
import { planOf } from './plans';
import { rangeOf } from './textEdits';

type LensKind = 'budget' | 'allocate' | 'probe' | 'module' | 'apply' | 'train' | 'evaluate' | 'probeMemory' | 'trainMemory' | 'evaluateMemory';

/** A lens placed cheaply from the syntax tree; its title and command are filled in by resolveCodeLens. */
export class ExperimentLens extends vscode.CodeLens {
  constructor(range: vscode.Range, readonly uri: vscode.Uri, readonly kind: LensKind, readonly module?: string) {
    super(range);
  }
}

function propertyNode(root: Node | undefined, key: string): Node | undefined {
  return root?.children?.find((p) => p.children?.[0]?.value === key);
}

/** CodeLens in `*.smoe.json`: budget totals and Allocate…, Probe above tasks, per-module hints, Train/Evaluate. */
export class ExperimentCodeLensProvider implements vscode.CodeLensProvider<ExperimentLens>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: WorkspaceModel) {
    this.subscription = model.onDidChange((change) => {
      if (change.analyses) this.changed.fire();
    });
  }

  provideCodeLenses(document: vscode.TextDocument): ExperimentLens[] {
    const { tree } = parseWithPositions(document.getText());
    if (tree?.type !== 'object') return [];
    const at = (node: Node | undefined) => rangeOf(document, node ?? tree);
    const lens = (node: Node | undefined, kind: LensKind, module?: string) => new ExperimentLens(at(node), document.uri, kind, module);
    const budget = propertyNode(tree, 'budget') ?? propertyNode(tree, 'experts');
    const lenses = [lens(budget, 'budget'), lens(budget, 'allocate')];
    const tasks = propertyNode(tree, 'tasks');
    if (tasks) lenses.push(lens(tasks, 'probe'));
    lenses.push(lens(propertyNode(tree, 'probe') ?? tasks, 'probeMemory'));
    const experts = propertyNode(tree, 'experts')?.children?.[1];
    for (const entry of experts?.type === 'object' ? experts.children ?? [] : []) {
      const name = entry.children?.[0]?.value as string;
      lenses.push(lens(entry, 'module', name), lens(entry, 'apply', name));
    }
    const training = propertyNode(tree, 'training') ?? tasks;
    lenses.push(lens(training, 'train'), lens(training, 'evaluate'), lens(training, 'trainMemory'));
    lenses.push(lens(propertyNode(tree, 'evaluation') ?? training, 'evaluateMemory'));
    return lenses;
  }

  async resolveCodeLens(lens: ExperimentLens): Promise<ExperimentLens> {
    const document = await vscode.workspace.openTextDocument(lens.uri);
    const analysis = await this.model.analyzer.analyze(document);
    const plan = planOf(analysis);
    const raw = analysis.parsed.value;
    lens.command = commandFor(lens, {
      budget: () => ({ title: budgetTitle(plan), command: '' }),
      allocate: () => ({ title: 'Allocate…', command: 'smoe.allocateExperts', arguments: [lens.uri] }),
      probe: () => ({ title: probeTitle(raw, analysis.sensitivity?.source.location), command: 'smoe.probe', arguments: [lens.uri] }),
      module: () => ({ title: moduleTitle(plan, lens.module!), command: '' }),
      apply: () => suggestionTitle(plan, lens.uri, lens.module!),
      train: () => ({ title: 'Train', command: 'smoe.train', arguments: [lens.uri] }),
      evaluate: () => ({ title: 'Evaluate', command: 'smoe.evaluate', arguments: [lens.uri] }),
      probeMemory: () => ({ title: memoryLensTitle(raw, analysis.facts.model, 'probe', os.totalmem()) ?? '', command: '' }),
      trainMemory: () => ({ title: memoryLensTitle(raw, analysis.facts.model, 'train', os.totalmem()) ?? '', command: '' }),
      evaluateMemory: () => ({ title: memoryLensTitle(raw, analysis.facts.model, 'evaluate', os.totalmem()) ?? '', command: '' }),
    });
    return lens;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** With a probe run's stability.json beside the sensitivity in use, its hint (e.g. "… about 64 would reach 96 %"). */
function probeTitle(raw: unknown, sensitivity: string | undefined): string {
  const tasks = taskCountOf(raw);
  const hint = sensitivity ? stabilityHintBeside(sensitivity) : undefined;
  return `Probe sensitivity (${probeSamplesOf(raw)} samples/task × ${tasks} task${tasks === 1 ? '' : 's'})${hint ? ` · last probe: ${hint}` : ''}`;
}

function commandFor(lens: ExperimentLens, table: Record<LensKind, () => vscode.Command>): vscode.Command {
  return table[lens.kind]();
}
