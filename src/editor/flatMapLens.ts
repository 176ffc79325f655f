import * as vscode from 'vscode';
import { isFlatExpertMap } from '../core/experiment/expertMap';
import { parseWithPositions } from '../core/experiment/positions';
import type { ExpertMap } from '../core/experiment/types';
import type { WorkspaceModel } from '../workspace/workspaceModel';
import { flatMapContext, type FlatMapContext } from './flatMapContext';
import { rangeOf } from './textEdits';

/** Reading the first bytes is enough to skip every JSON file that is not a module → count map. */
const LOOKS_FLAT = /^\s*\{\s*"model\.layers\.\d+\./;

class FlatMapLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly uri: vscode.Uri,
    readonly version: number,
    readonly kind: 'hint' | 'apply',
    readonly module: string,
    readonly map: ExpertMap,
  ) {
    super(range);
  }
}

/** The per-module hints of experiment files, in an authors'-format expert-map JSON when a sensitivity is known. */
export class FlatMapCodeLensProvider implements vscode.CodeLensProvider<FlatMapLens>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;
  /** One context per document version: every lens of a map shares the workspace search and the sensitivity read. */
  private readonly contexts = new Map<string, { version: number; value: Promise<FlatMapContext | undefined> }>();

  constructor(private readonly model: WorkspaceModel) {
    this.subscription = model.onDidChange((change) => {
      if (!change.analyses) return;
      this.contexts.clear();
      this.changed.fire();
    });
  }

  private contextFor(lens: FlatMapLens): Promise<FlatMapContext | undefined> {
    const key = lens.uri.toString();
    const cached = this.contexts.get(key);
    if (cached?.version === lens.version) return cached.value;
    const value = flatMapContext(this.model.analyzer, lens.uri.fsPath, lens.map);
    this.contexts.set(key, { version: lens.version, value });
    return value;
  }

  provideCodeLenses(document: vscode.TextDocument): FlatMapLens[] {
    if (!LOOKS_FLAT.test(document.getText(new vscode.Range(0, 0, 2, 200)))) return [];
    const { tree, value } = parseWithPositions(document.getText());
    if (!tree || !isFlatExpertMap(value)) return [];
    return (tree.children ?? []).flatMap((entry) => {
      const name = entry.children?.[0]?.value as string;
      const range = rangeOf(document, entry);
      return (['hint', 'apply'] as const).map((kind) => new FlatMapLens(range, document.uri, document.version, kind, name, value));
    });
  }

  async resolveCodeLens(lens: FlatMapLens): Promise<FlatMapLens> {
    const context = await this.contextFor(lens);
    const count = lens.map[lens.module];
    if (!context) {
      lens.command = { title: `${count} experts · no sensitivity known (set an experiment's "experts" to this file, or put a sensitivity.json beside it)`, command: '' };
      return lens;
    }
    const hint = context.hints.get(lens.module);
    const suggested = context.suggestion?.[lens.module] ?? 0;
    if (lens.kind === 'hint') {
      const rank = hint?.sensitivityRank !== undefined ? `sensitivity #${hint.sensitivityRank} of ${hint.of}` : 'not in the sensitivity result';
      const suggestion = context.suggestion ? ` · ${context.strategy} suggests ${suggested}` : '';
      lens.command = { title: `${count} experts · ${rank}${suggestion}`, command: '', tooltip: `From ${context.source}` };
    } else if (!context.suggestion || suggested === count) {
      lens.command = { title: context.suggestion ? '✓ as suggested' : 'no suggestion', command: '' };
    } else {
      lens.command = { title: `Apply ${suggested}`, command: 'smoe.applySuggestedAllocation', arguments: [{ uri: lens.uri, module: lens.module, count: suggested }] };
    }
    return lens;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
