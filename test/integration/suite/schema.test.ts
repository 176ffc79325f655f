import * as assert from 'assert';
import * as vscode from 'vscode';
import { activatedExtension, delay, manifest, pollUntil, workspaceRoot } from './manifest';

const DIAGNOSTICS_TIMEOUT_MS = 20_000;

// A string where the schema wants a number, an enum value it does not list, and an unknown property.
const WRONG = `{
  "model": { "path": "model", "format": "onnx-please" },
  "tasks": [{ "name": "boolq", "train": "boolq.jsonl", "weight": "heavy" }],
  "notAField": true
}
`;

const VALID = `{
  "model": { "path": "model" },
  "tasks": [{ "name": "boolq", "train": "boolq.jsonl" }]
}
`;

async function writeAndOpen(name: string, text: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

function diagnosticAt(document: vscode.TextDocument, diagnostics: vscode.Diagnostic[], needle: string): vscode.Diagnostic | undefined {
  const offset = document.getText().indexOf(needle);
  assert.ok(offset >= 0, `fixture lacks ${needle}`);
  const position = document.positionAt(offset + 1);
  return diagnostics.find((d) => d.range.contains(position));
}

function schemaDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === undefined || /json/i.test(d.source));
}

describe('*.smoe.json schema validation', () => {
  before(async () => {
    await activatedExtension();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('binds *.smoe.json to a schema shipped in the package', () => {
    const bindings = manifest.contributes.jsonValidation ?? [];
    const binding = bindings.find((b) => [b.fileMatch].flat().some((m) => m.endsWith('.smoe.json')));
    assert.ok(binding, 'no jsonValidation entry for *.smoe.json');
    assert.ok(binding.url.startsWith('./'), `schema url ${binding.url} is not a file in the package`);
  });

  it('reports wrong field types, unknown enum values and unknown properties', async () => {
    const document = await writeAndOpen('wrong.smoe.json', WRONG);
    const found = await pollUntil(() => {
      const diagnostics = schemaDiagnostics(document.uri);
      return diagnostics.length >= 3 ? diagnostics : undefined;
    }, DIAGNOSTICS_TIMEOUT_MS);
    const diagnostics = found ?? schemaDiagnostics(document.uri);
    const listing = diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`).join('\n');
    assert.ok(diagnosticAt(document, diagnostics, '"heavy"'), `no diagnostic on "weight": "heavy" (number expected); got:\n${listing}`);
    assert.ok(diagnosticAt(document, diagnostics, '"onnx-please"'), `no diagnostic on the unknown format enum value; got:\n${listing}`);
    assert.ok(diagnosticAt(document, diagnostics, '"notAField"'), `no diagnostic on the unknown property; got:\n${listing}`);
    for (const diagnostic of diagnostics) {
      assert.notStrictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Hint, diagnostic.message);
    }
  });

  it('reports nothing for a minimal valid experiment', async () => {
    const valid = await writeAndOpen('valid.smoe.json', VALID);
    const wrong = await writeAndOpen('wrong-again.smoe.json', WRONG);
    // Both files go to the same JSON server in this order; once the wrong one is validated, so is the valid one.
    await pollUntil(() => (schemaDiagnostics(wrong.uri).length > 0 ? true : undefined), DIAGNOSTICS_TIMEOUT_MS);
    await delay(500);
    const listing = schemaDiagnostics(valid.uri).map((d) => d.message);
    assert.deepStrictEqual(listing, []);
  });
});
