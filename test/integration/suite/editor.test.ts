import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { BROKEN_EXPECTED, BROKEN_EXPERIMENT, BROKEN_WITH_MODEL, GOOD_EXPERIMENT, expectedOffset } from '../../fixtures/experiment/experiments';
import { TINY_SHAPES } from '../../fixtures/experiment/tinyModel';
import { activatedExtension } from './manifest';
import { hook } from './runsFixture';
import { diagnosticsWhen, hasCode, lensTitlesWhen, listing, makeWorkspaceDir, openFile, ours, PROBE_TABLE, probeRunInStages, writeProbeRun } from './editorFixture';

/** DESIGN §3.1, shared-a, written out independently of the extension: r*d_in + n*r*d_out + (n > 1 ? n*d_in : 0). */
function formulaParams(map: Record<string, number>, rank: number): number {
  return Object.entries(map).reduce((sum, [name, n]) => {
    const [dOut, dIn] = TINY_SHAPES[name.split('.').at(-1)!];
    return sum + (n > 0 ? rank * dIn + n * rank * dOut + (n > 1 ? n * dIn : 0) : 0);
  }, 0);
}

/**
 * DESIGN §4 trimming, written out independently: scores normalised per task over the map's modules and summed; one
 * expert at a time comes off the least sensitive module that still has one, until the map fits the expert budget.
 */
function trimmedByHand(map: Record<string, number>, budget: number): Record<string, number> {
  const names = Object.keys(map);
  const score = (name: string) => Object.values(PROBE_TABLE.tasks).reduce((sum, values: Record<string, number>) => {
    const total = names.reduce((t, n) => t + values[n], 0);
    return sum + values[name] / total;
  }, 0);
  const order = [...names].sort((a, b) => score(a) - score(b));
  const out = { ...map };
  for (let spent = Object.values(out).reduce((a, b) => a + b, 0); spent > budget; spent--) out[order.find((n) => out[n] > 0)!]--;
  return Object.fromEntries(Object.entries(out).filter(([, n]) => n > 0));
}

function expertsOf(document: vscode.TextDocument): Record<string, number> {
  return (JSON.parse(document.getText()) as { experts: Record<string, number> }).experts;
}

async function quickFixes(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
}

/** Opens a fresh copy of `text`, waits for the diagnostic `code`, applies the fix titled like `title`, waits for it to go. */
async function applyFixFor(dir: string, name: string, text: string, code: string, title: RegExp): Promise<vscode.TextDocument> {
  const editor = await openFile(path.join(dir, name), text);
  const uri = editor.document.uri;
  const before = await diagnosticsWhen(uri, (d) => hasCode(d, code));
  const diagnostic = before.find((d) => d.code === code);
  assert.ok(diagnostic, `no ${code} diagnostic; got:\n${listing(before)}`);
  const fixes = await quickFixes(uri, diagnostic);
  const fix = fixes.find((f) => title.test(f.title));
  assert.ok(fix?.edit, `no quick fix ${title} for ${code}; got: ${fixes.map((f) => f.title).join(' | ')}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit));
  const after = await diagnosticsWhen(uri, (d) => !hasCode(d, code));
  assert.ok(!hasCode(after, code), `${code} still reported after "${fix.title}":\n${listing(after)}`);
  return editor.document;
}

describe('experiment files in the editor', () => {
  let dir: string;

  before(async () => {
    await activatedExtension();
    dir = makeWorkspaceDir('editor');
    writeProbeRun(dir, undefined, '20260101-000000-probe');
  });

  afterEach(async () => {
    // Quick fixes and commands leave dirty documents; saving them keeps closeAllEditors from asking.
    await vscode.workspace.saveAll(false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  describe('diagnostics', () => {
    it('shows each semantic problem of a broken file at the expected range', async () => {
      const { document } = await openFile(path.join(dir, 'broken.smoe.json'), BROKEN_WITH_MODEL);
      const diagnostics = await diagnosticsWhen(document.uri, (d) => BROKEN_EXPECTED.every((e) => hasCode(d, e.code)));
      for (const expected of BROKEN_EXPECTED) {
        const offset = expectedOffset(BROKEN_WITH_MODEL, expected);
        const range = new vscode.Range(document.positionAt(offset), document.positionAt(offset + expected.covers.length));
        const match = diagnostics.find((d) => d.code === expected.code && d.range.isEqual(range));
        assert.ok(match, `no ${expected.code} exactly on ${expected.covers} (${range.start.line + 1}:${range.start.character + 1}); got:\n${listing(diagnostics)}`);
        assert.strictEqual(match.severity, vscode.DiagnosticSeverity.Error);
      }
    });

    it('reports a model path that does not exist, on its value', async () => {
      const { document } = await openFile(path.join(dir, 'no-model.smoe.json'), BROKEN_EXPERIMENT);
      const diagnostics = await diagnosticsWhen(document.uri, (d) => hasCode(d, 'model-missing'));
      const missing = diagnostics.find((d) => d.code === 'model-missing');
      assert.ok(missing, listing(diagnostics));
      assert.strictEqual(document.getText(missing.range), '"no-such-model"');
      assert.match(missing.message, /config\.json/);
    });

    it('updates after an edit without reopening the file', async () => {
      const editor = await openFile(path.join(dir, 'edited.smoe.json'), GOOD_EXPERIMENT);
      await diagnosticsWhen(editor.document.uri, (d) => d.length > 0);
      assert.ok(!hasCode(ours(editor.document.uri), 'invalid-rank'));
      const offset = GOOD_EXPERIMENT.indexOf('"rank": 4') + '"rank": '.length;
      await editor.edit((b) => b.replace(new vscode.Range(editor.document.positionAt(offset), editor.document.positionAt(offset + 1)), '0'));
      const after = await diagnosticsWhen(editor.document.uri, (d) => hasCode(d, 'invalid-rank'));
      assert.ok(hasCode(after, 'invalid-rank'), listing(after));
    });
  });

  describe('quick fixes', () => {
    it('removes unknown modules', async () => {
      const document = await applyFixFor(dir, 'fix-unknown.smoe.json', BROKEN_WITH_MODEL, 'unknown-module', /^Remove unknown module/);
      assert.ok(!('model.layers.9.self_attn.q_proj' in expertsOf(document)));
    });

    it('trims to budget, dropping the lowest-sensitivity experts first', async () => {
      const text = GOOD_EXPERIMENT.replace('"value": 12', '"value": 6');
      const before = expertsOf({ getText: () => text } as vscode.TextDocument);
      const document = await applyFixFor(dir, 'fix-trim.smoe.json', text, 'over-budget', /^Trim to budget \(drop the lowest-sensitivity/);
      assert.deepStrictEqual(expertsOf(document), trimmedByHand(before, 6));
    });

    it('applies the suggested allocation: what Allocate Experts computes for the file\'s own choice, not a trim', async () => {
      const text = GOOD_EXPERIMENT.replace('"value": 12', '"value": 6');
      const before = expertsOf({ getText: () => text } as vscode.TextDocument);
      const reference = await openFile(path.join(dir, 'fix-suggest-reference.smoe.json'), text);
      const outcome = await vscode.commands.executeCommand<{ map: Record<string, number> }>('smoe.allocateExperts', {
        uri: reference.document.uri, strategy: 'vote', budgetKind: 'experts', budgetValue: 6, percentile: 50, scope: 'pooled',
      });
      assert.ok(outcome?.map, 'Allocate Experts returned no map');
      const document = await applyFixFor(dir, 'fix-suggest.smoe.json', text, 'over-budget', /^Apply the suggested allocation/);
      assert.deepStrictEqual(expertsOf(document), outcome.map);
      assert.notDeepStrictEqual(outcome.map, trimmedByHand(before, 6), 'the fixture cannot tell the suggestion from a trim');
    });

    it('clamps a count above maxExperts', async () => {
      const document = await applyFixFor(dir, 'fix-max.smoe.json', BROKEN_WITH_MODEL, 'experts-above-max', /^Set "model\.layers\.0\.self_attn\.v_proj" to 3 experts/);
      assert.strictEqual(expertsOf(document)['model.layers.0.self_attn.v_proj'], 3);
    });

    it('adds a missing section with its schema defaults', async () => {
      const editor = await openFile(path.join(dir, 'fix-section.smoe.json'), GOOD_EXPERIMENT);
      const uri = editor.document.uri;
      const hints = await diagnosticsWhen(uri, (d) => d.some((x) => x.code === 'missing-section' && /"probe"/.test(x.message)));
      const probeHint = hints.find((d) => d.code === 'missing-section' && /"probe"/.test(d.message));
      assert.ok(probeHint, listing(hints));
      const fix = (await quickFixes(uri, probeHint)).find((f) => f.title === 'Add the "probe" section with its defaults');
      assert.ok(fix?.edit);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      const probe = (JSON.parse(editor.document.getText()) as { probe: Record<string, unknown> }).probe;
      assert.deepStrictEqual(probe, { samplesPerTask: 32, seed: 42, maxLength: 256, clip: null, method: 'auto', batchSize: 8, recompute: 'auto' });
      const after = await diagnosticsWhen(uri, (d) => !d.some((x) => /"probe"/.test(x.message)));
      assert.ok(!after.some((x) => /"probe"/.test(x.message)), listing(after));
    });
  });

  describe('CodeLens', () => {
    it('shows budget totals with parameters by the formula, probe, per-module hints and train/evaluate', async () => {
      const { document } = await openFile(path.join(dir, 'lens.smoe.json'), GOOD_EXPERIMENT);
      const map = expertsOf(document);
      const params = formulaParams(map, 4);
      const perRank = 2 * Object.entries(TINY_SHAPES).filter(([t]) => ['q_proj', 'k_proj', 'v_proj', 'o_proj'].includes(t)).reduce((s, [, [o, i]]) => s + o + i, 0);
      const budget = `8 experts on 4 modules · ${params.toLocaleString('en-US')} trainable params · ≈ plain LoRA r ${(params / perRank).toFixed(1)} · budget 12 experts`;
      const titles = await lensTitlesWhen(document.uri, (t) => t.includes(budget) && t.some((x) => x.includes('sensitivity #')));
      assert.ok(titles.includes(budget), `no "${budget}" in:\n${titles.join('\n')}`);
      assert.ok(titles.includes('Allocate…'));
      assert.ok(titles.includes('Probe sensitivity (32 samples/task × 2 tasks)'), titles.join('\n'));
      assert.ok(titles.includes('Train') && titles.includes('Evaluate'));
      const memory = titles.filter((t) => /^≈ [\d.]+ GiB peak · fits in \d+ GiB$/.test(t));
      assert.strictEqual(memory.length, 3, `expected the memory estimate above probe, training and evaluation in:\n${titles.join('\n')}`);
      const hints = titles.filter((t) => /^\d+ experts? · sensitivity #\d+ of 8 · vote suggests \d+$/.test(t));
      assert.strictEqual(hints.length, 4, titles.join('\n'));
    });

    it('refreshes the hints when a new probe result appears', async () => {
      // Nested in the suite's folder: code-server's recursive watcher here misses top-level folders created mid-session.
      const fresh = makeWorkspaceDir('refresh', dir);
      const file = path.join(fresh, 'refresh.smoe.json');
      const { document } = await openFile(file, GOOD_EXPERIMENT);
      const first = await lensTitlesWhen(document.uri, (t) => t.some((x) => x.includes('no probe result')));
      assert.ok(first.some((x) => x.includes('no probe result')), first.join('\n'));
      await probeRunInStages(fresh, file, '20260102-000000-probe');
      const second = await lensTitlesWhen(document.uri, (t) => t.some((x) => x.includes('sensitivity #')));
      assert.ok(second.some((x) => x.includes('sensitivity #')), second.join('\n'));
    });
  });

  describe('commands', () => {
    it('Allocate Experts writes the map and the budget it used, in one edit that one Undo reverts', async () => {
      const editor = await openFile(path.join(dir, 'allocate.smoe.json'), GOOD_EXPERIMENT);
      const before = editor.document.getText();
      const outcome = await vscode.commands.executeCommand<{ map: Record<string, number>; applied: boolean }>('smoe.allocateExperts', {
        uri: editor.document.uri, strategy: 'vote', budgetKind: 'experts', budgetValue: 6, percentile: 50, scope: 'pooled',
      });
      assert.ok(outcome?.applied);
      const after = editor.document.getText();
      assert.deepStrictEqual(expertsOf(editor.document), outcome.map);
      assert.strictEqual(Object.values(outcome.map).reduce((a, b) => a + b, 0), 6);
      const start = before.indexOf('"experts": ') + '"experts": '.length;
      const tail = before.slice(before.indexOf('},\n  "training"') + 1);
      const startAfter = after.indexOf('"experts": ') + '"experts": '.length;
      const expectedPrefix = before.slice(0, start).replace('"value": 12', '"value": 6');
      assert.strictEqual(after.slice(0, startAfter), expectedPrefix, 'before the map, only budget.value (12 → 6, the budget used) may change');
      assert.ok(after.endsWith(tail), 'text after the map changed');
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('undo');
      assert.strictEqual(editor.document.getText(), before);
    });

    it('Apply Suggested Allocation writes the suggestion; one entry at a time from its CodeLens', async () => {
      const editor = await openFile(path.join(dir, 'apply.smoe.json'), GOOD_EXPERIMENT.replace('"value": 12', '"value": 5'));
      assert.ok(await vscode.commands.executeCommand('smoe.applySuggestedAllocation', editor.document.uri));
      assert.strictEqual(Object.values(expertsOf(editor.document)).reduce((a, b) => a + b, 0), 5);
      const suggested = expertsOf(editor.document);
      const module = Object.keys(suggested)[0];
      const key = `"${module}": `;
      const offset = editor.document.getText().indexOf(key) + key.length;
      await editor.edit((b) => b.replace(new vscode.Range(editor.document.positionAt(offset), editor.document.positionAt(offset + 1)), '4'));
      assert.ok(await vscode.commands.executeCommand('smoe.applySuggestedAllocation', { uri: editor.document.uri, module }));
      assert.deepStrictEqual(expertsOf(editor.document), suggested);
    });

    it("Export Expert Map writes the authors' flat format", async () => {
      const { document } = await openFile(path.join(dir, 'export.smoe.json'), GOOD_EXPERIMENT);
      const target = path.join(dir, 'exported.experts.json');
      assert.strictEqual(await vscode.commands.executeCommand('smoe.exportExpertMap', { uri: document.uri, target }), target);
      const text = fs.readFileSync(target, 'utf8');
      assert.ok(text.startsWith('{\n    "model.layers.0.self_attn.v_proj": 3,\n'), text);
      assert.deepStrictEqual(JSON.parse(text), expertsOf(document));
    });

    it('New Experiment writes a valid file with defaults and opens it', async () => {
      const target = path.join(dir, 'made.smoe.json');
      const uri = await vscode.commands.executeCommand<vscode.Uri>('smoe.newExperiment', {
        modelPath: path.join(dir, 'model'), taskFiles: [path.join(dir, 'data', 'boolq', 'train.json'), path.join(dir, 'data', 'piqa', 'train.json')], target,
      });
      assert.strictEqual(uri?.fsPath, target);
      assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, target);
      const written = JSON.parse(fs.readFileSync(target, 'utf8')) as { model: { path: string }; tasks: { name: string; test?: string }[]; adapter: { rank: number } };
      assert.strictEqual(written.model.path, 'model');
      assert.deepStrictEqual(written.tasks.map((t) => [t.name, t.test]), [['boolq', 'data/boolq/test.json'], ['piqa', undefined]]);
      assert.strictEqual(written.adapter.rank, 8);
      // Awaiting the analysis itself tells "no problems" from "not checked yet"; the diagnostics then show exactly those.
      const problems = await hook<{ code: string; severity: string; message: string }[]>('problems', { file: target });
      assert.ok(problems, 'the test hook returned no analysis');
      assert.deepStrictEqual(problems.filter((p) => p.severity !== 'hint').map((p) => p.message), []);
      const diagnostics = await diagnosticsWhen(uri!, (d) => d.length === problems.length);
      assert.deepStrictEqual(diagnostics.map((d) => d.message).sort(), problems.map((p) => p.message).sort());
    });
  });

  describe("authors'-format expert maps", () => {
    it('shows per-module hints when a sensitivity.json sits beside the map', async () => {
      const mapDir = path.join(dir, 'shipped');
      fs.mkdirSync(mapDir, { recursive: true });
      fs.writeFileSync(path.join(mapDir, 'sensitivity.json'), JSON.stringify(PROBE_TABLE));
      const { document } = await openFile(path.join(mapDir, 'expert-num.json'), '{\n    "model.layers.0.self_attn.q_proj": 2,\n    "model.layers.1.self_attn.o_proj": 1\n}\n');
      const titles = await lensTitlesWhen(document.uri, (t) => t.some((x) => x.includes('sensitivity #')));
      assert.ok(titles.some((t) => /^2 experts · sensitivity #\d+ of 8 · vote suggests \d+$/.test(t)), titles.join('\n'));
    });
  });
});
