// Path completion in the experiment file: task data fields offer folders and .json/.jsonl files relative to the file.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activatedExtension } from './manifest';
import { uniqueDir } from './runsFixture';

describe('path completion in *.smoe.json', function () {
  this.timeout(60_000);

  it('offers folders and task data files for tasks[].train, one segment at a time', async () => {
    await activatedExtension();
    const dir = uniqueDir('paths');
    fs.mkdirSync(path.join(dir, 'data', 'boolq'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'boolq', 'train.jsonl'), '');
    fs.writeFileSync(path.join(dir, 'data', 'boolq', 'notes.txt'), '');
    fs.mkdirSync(path.join(dir, 'model'));
    const file = path.join(dir, 'paths.smoe.json');
    const text = '{\n  "model": { "path": "model" },\n  "tasks": [{ "name": "boolq", "train": "data/boolq/" }]\n}\n';
    fs.writeFileSync(file, text);
    const document = await vscode.workspace.openTextDocument(file);
    const inTrain = document.positionAt(text.indexOf('data/boolq/"') + 'data/boolq/'.length);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, inTrain);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('train.jsonl'), `offered ${JSON.stringify(labels)}`);
    assert.ok(!labels.includes('notes.txt'), 'a non-data file is offered for a task');
    const inName = document.positionAt(text.indexOf('"boolq"') + 3);
    const none = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, inName);
    assert.ok(!none.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'train.jsonl'), 'paths offered in a name field');
    const top = document.positionAt(text.indexOf('"model" }') + 1);
    const topList = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, top);
    assert.ok(topList.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'data/'), 'folders offered for model.path');
  });
});
