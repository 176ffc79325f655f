import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { manifest, openWorkbench, runCommandFromPalette, ui, uiTest } from './workbench.mjs';

const extensionId = `${manifest.publisher}.${manifest.name}`.toLowerCase();

function installedExtensionDir() {
  const dirs = fs.readdirSync(ui.extensionsDir).filter((d) => d.toLowerCase().startsWith(`${extensionId}-`));
  assert.equal(dirs.length, 1, `expected one installed ${extensionId} in ${ui.extensionsDir}, found ${JSON.stringify(dirs)}`);
  return path.join(ui.extensionsDir, dirs[0]);
}

describe('packaged .vsix', () => {
  it('installs with its bundles, schema and the linux-x64 onnxruntime binaries only', () => {
    const root = installedExtensionDir();
    for (const file of [manifest.main, 'dist/worker.js', 'media/smoe.schema.json']) {
      assert.ok(fs.existsSync(path.join(root, file)), `${file} missing from the installed extension`);
    }
    const platforms = fs.readdirSync(path.join(root, 'node_modules/onnxruntime-node/bin/napi-v6'), { recursive: true, encoding: 'utf8' });
    assert.deepEqual(platforms.filter((p) => p.split('/').length <= 2).sort(), ['linux', 'linux/x64']);
    assert.ok(!fs.existsSync(path.join(root, 'src')), 'sources were packaged');
    assert.ok(!fs.existsSync(path.join(root, 'node_modules/adm-zip')), 'install-time helpers were packaged');
  });

  it('loads the packaged onnxruntime-node binding', () => {
    const root = installedExtensionDir();
    const script = `const ort = require(${JSON.stringify(path.join(root, 'node_modules/onnxruntime-node'))});
      if (typeof ort.InferenceSession?.create !== 'function') throw new Error('no InferenceSession');
      console.log(ort.env.versions.node ?? ort.env.versions.common);`;
    const version = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: ui.sandbox, timeout: 60_000 }).trim();
    assert.match(version, /^\d+\.\d+\.\d+/);
  });

  describe('in the workbench', () => {
    let workbench;
    before(async () => {
      workbench = await openWorkbench('running-extensions');
    });
    after(async () => {
      await workbench?.close();
    });

    uiTest('extension-activated-from-vsix', () => workbench, async ({ page }) => {
      await runCommandFromPalette(page, 'Developer: Show Running Extensions');
      const row = page.locator(`.part.editor .monaco-list-row[aria-label=${JSON.stringify(manifest.name)}]`);
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      assert.ok((await row.innerText()).includes(manifest.displayName), await row.innerText());
      // The editor updates in place: "Activating..." first, then "Activation: N ms" (or an error).
      const activated = row.filter({ hasText: /Activation: \d+ms/ });
      await activated.waitFor({ state: 'visible', timeout: 30_000 }).catch(async () => {
        assert.fail(`LoRA-SMoE Studio did not finish activating; its row reads: ${JSON.stringify(await row.innerText())}`);
      });
    });
  });
});
