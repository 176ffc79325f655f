import * as assert from 'assert';
import * as vscode from 'vscode';
import { activatedExtension, manifest } from './manifest';

const CONTAINER_ID = 'smoe';
const VIEW_ID = 'smoe.experiments';

describe('Experiments view', () => {
  before(async () => {
    await activatedExtension();
  });

  it('is contributed in the smoe activity-bar container', () => {
    const containers = manifest.contributes.viewsContainers?.activitybar ?? [];
    assert.ok(containers.some((c) => c.id === CONTAINER_ID), `no activity-bar container "${CONTAINER_ID}"`);
    const views = manifest.contributes.views?.[CONTAINER_ID] ?? [];
    assert.ok(views.some((v) => v.id === VIEW_ID), `no view "${VIEW_ID}" in container "${CONTAINER_ID}"`);
  });

  it('opens the container and focuses the view', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of [`workbench.view.extension.${CONTAINER_ID}`, `${VIEW_ID}.focus`]) {
      assert.ok(registered.has(command), `VS Code did not create ${command}`);
      await vscode.commands.executeCommand(command);
    }
  });
});
