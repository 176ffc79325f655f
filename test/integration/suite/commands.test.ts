import * as assert from 'assert';
import * as vscode from 'vscode';
import { activatedExtension, manifest } from './manifest';

const CATEGORY = 'LoRA-SMoE';

describe('contributed commands', () => {
  const contributed = manifest.contributes.commands ?? [];

  before(async () => {
    await activatedExtension();
  });

  it('contributes at least one command, all in the LoRA-SMoE category', () => {
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const outside = contributed.filter((c) => c.category !== CATEGORY).map((c) => c.command);
    assert.deepStrictEqual(outside, [], `commands outside category "${CATEGORY}"`);
  });

  it('registers every command named in package.json', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepStrictEqual(missing, [], `contributed but not registered after activation: ${missing.join(', ')}`);
  });
});
