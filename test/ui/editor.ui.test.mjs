import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { writeEditorWorkspace } from './editorWorkspace.mjs';
import { openWorkbench, quickOpen, ui, uiTest } from './workbench.mjs';

async function texts(locator) {
  return (await locator.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

describe('experiment file in the editor', () => {
  let workbench;
  before(async () => {
    writeEditorWorkspace(ui.workspace);
    workbench = await openWorkbench('editor');
  });
  after(async () => {
    await workbench?.close();
  });

  uiTest('editor-codelens', () => workbench, async ({ page }) => {
    await quickOpen(page, 'editor-ui.smoe.json');
    const editor = page.locator('.part.editor .monaco-editor').first();
    const lenses = editor.locator('.codelens-decoration');
    await lenses.filter({ hasText: 'trainable params' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await lenses.filter({ hasText: 'sensitivity #' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await editor.locator('.squiggly-error').first().waitFor({ state: 'attached', timeout: 30_000 });
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.part.panel .markers-panel').waitFor({ state: 'visible', timeout: 15_000 }).catch(() => {});
    const shown = (await texts(lenses)).join('\n');
    assert.match(shown, /9 experts on 4 modules · [\d,]+ trainable params · ≈ plain LoRA r [\d.]+ · budget 6 experts/);
    assert.match(shown, /Allocate…/);
    assert.match(shown, /Probe sensitivity \(32 samples\/task × 1 task\)/);
    assert.match(shown, /Train/);
    assert.match(shown, /1 expert · not measured by the probe/);
    assert.ok((await editor.locator('.squiggly-error').count()) >= 3, 'expected squiggles for over budget, above maxExperts and the unknown module');
  });
});
