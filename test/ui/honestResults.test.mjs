// The issue-16 defects in Chromium: Evaluate refused without test data, an evaluation that measured nothing never
// bold, what-if "Apply to file" writing strategy/budget/percentile/scope as one undoable edit, and the heatmap legend
// matching the cells' colours in a dark theme. Screenshots at 900×700 in the light and dark themes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { writeDashboardWorkspace } from './dashboardWorkspace.mjs';
import { activityBarEntry, openWorkbench, quickOpen, runCommandFromPalette, screenshotPath, sideBarContainer, ui, uiTest } from './workbench.mjs';

function parsesAsJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const FOLDER = 'honest-ui';
const EMPTY_EVAL = '20260301-130000-evaluate';
const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' };

/** An evaluation as an older version left it: no test examples, loss 0 — it must not win anything. */
function writeEmptyEvaluation(experimentFile) {
  const dir = path.join(path.dirname(experimentFile), '.smoe', 'runs', EMPTY_EVAL);
  fs.mkdirSync(dir, { recursive: true });
  const empty = { accuracy: 0, loss: 0, examples: 0, correct: 0 };
  const report = { tasks: { boolq: empty }, average: empty, adapter: '.smoe/runs/20260301-120000-train', model: 'model', maxNewTokens: 8, createdAt: '2026-03-01T13:05:00.000Z' };
  fs.writeFileSync(path.join(dir, 'eval.json'), JSON.stringify(report, null, 2));
  const record = { id: EMPTY_EVAL, kind: 'evaluate', status: 'succeeded', experiment: experimentFile, name: 'dashboard-fixture', startedAt: '2026-03-01T13:00:00.000Z', finishedAt: '2026-03-01T13:05:00.000Z', pid: 4242, timings: {}, config: { adapter: '.smoe/runs/20260301-120000-train' } };
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(record, null, 2));
}

function setTheme(name) {
  const file = path.join(ui.sandbox, 'user-data', 'User', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.writeFileSync(file, JSON.stringify({ ...settings, 'workbench.colorTheme': name }, null, 2));
}

/** Colours of the max and min cells and of the legend's two ends, read back from the canvases. */
function legendAgreement() {
  const heatmap = document.getElementById('sensitivity-heatmap');
  const legend = document.getElementById('sensitivity-legend');
  const h = JSON.parse(heatmap.dataset.layout);
  const l = JSON.parse(legend.dataset.layout);
  const ratio = heatmap.width / parseFloat(heatmap.style.width);
  const pixel = (canvas, x, y) => [...canvas.getContext('2d').getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data].slice(0, 3);
  const cell = ([r, c]) => pixel(heatmap, h.left + c * h.cellWidth + 3, h.top + r * h.cellHeight + 3);
  return { maxCell: cell(h.max), minCell: cell(h.min), legendMax: pixel(legend, l.left + l.width - 1, l.bar / 2), legendMin: pixel(legend, l.left, l.bar / 2), label: legend.getAttribute('aria-label') };
}

/**
 * The Experiments view beside each dashboard section, at 900×700, as `honest-<section>-900x700-<theme>.png`: the
 * evaluation and runs tables must keep their first columns (model, run) and the key figures in view.
 */
async function shootSections(page, frame, theme) {
  const entry = activityBarEntry(page, 'LoRA-SMoE');
  if (!/\bchecked\b/.test((await entry.getAttribute('class')) ?? '')) await entry.click();
  await sideBarContainer(page, 'smoe').locator('.monaco-list-row').filter({ hasText: 'dashboard.smoe.json' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  for (const [section, name] of [['evaluation', 'evaluation'], ['runs', 'runs'], ['sensitivity', 'heatmap'], ['training', 'charts'], ['allocation', 'allocation']]) {
    await frame.locator(`#section-${section}`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath(`honest-${name}-900x700-${theme}`) });
  }
  // The last key column (average loss; a run's result) ends inside the unscrolled table box, which is narrow here.
  for (const [table, key] of [['evaluation-table', 'tbody td:nth-of-type(2)'], ['runs-table', 'tbody td.col-result']]) {
    const seen = await frame.locator(`#${table}`).evaluate((el, selector) => {
      const box = el.parentElement.getBoundingClientRect();
      return { width: box.width, overflow: el.querySelector(selector).getBoundingClientRect().right - box.right };
    }, key);
    assert.ok(seen.width < 600, `#${table} is ${seen.width} px wide; the narrow-width check would prove nothing`);
    assert.ok(seen.overflow <= 1, `#${table}: ${key} is ${seen.overflow} px behind the horizontal scroll`);
  }
}

const close = (a, b) => a.every((v, i) => Math.abs(v - b[i]) <= 4);
const luminance = ([r, g, b]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

describe('honest evaluation, complete what-if edits, readable heatmap', () => {
  let workbench;
  let frame;
  let experimentFile;
  before(async () => {
    experimentFile = writeDashboardWorkspace(ui.workspace, FOLDER);
    writeEmptyEvaluation(experimentFile);
    setTheme(THEMES.light);
    workbench = await openWorkbench('honest');
    await workbench.page.setViewportSize({ width: 900, height: 700 });
  });
  after(async () => {
    setTheme(THEMES.dark);
    await workbench?.close();
  });

  uiTest('evaluate-refused-without-tests', () => workbench, async ({ page }) => {
    await quickOpen(page, 'fixture.smoe.json');
    await page.locator('.part.editor .tab.active').filter({ hasText: 'fixture.smoe.json' }).waitFor({ state: 'visible' });
    // The editor's own way in: the Evaluate CodeLens above the model.
    const lens = page.locator('.part.editor .codelens-decoration a').filter({ hasText: /^Evaluate$/ });
    await lens.first().waitFor({ state: 'visible', timeout: 60_000 });
    await lens.first().click();
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'nothing to evaluate' });
    await toast.first().waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await toast.first().innerText(), /fixture\.smoe\.json: nothing to evaluate.*tasks\[\]\.test/s);
    assert.equal(await page.locator('.notifications-toasts .notification-toast').filter({ hasText: /Evaluate fixture/ }).count(), 0, 'an evaluation job was started');
  });

  uiTest('evaluation-empty-run-never-best', () => workbench, async ({ page }) => {
    await page.keyboard.press('Escape');
    await quickOpen(page, 'dashboard.smoe.json');
    await page.locator('.part.editor .tab.active').filter({ hasText: 'dashboard.smoe.json' }).waitFor({ state: 'visible' });
    await runCommandFromPalette(page, 'LoRA-SMoE: Open Dashboard');
    frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('#app[aria-busy="false"]').waitFor({ state: 'attached', timeout: 60_000 });
    const table = frame.locator('#evaluation-table');
    await table.locator('td.best').first().waitFor({ state: 'visible' });
    const labels = await table.locator('tbody th').allInnerTexts();
    assert.deepEqual(labels.map((l) => l.replace(/\s+/g, ' ').trim()), [
      'base model eval 20260301-102000-evaluate', 'adapter 20260301-103000-train eval 20260301-110000-evaluate', `adapter 20260301-120000-train eval ${EMPTY_EVAL}`,
    ]);
    const emptyRow = table.locator('tbody tr').filter({ hasText: EMPTY_EVAL });
    assert.equal(await emptyRow.locator('td.best').count(), 0, 'a cell of the evaluation that measured nothing is bold');
    assert.ok((await emptyRow.locator('td').allInnerTexts()).every((t) => t.trim() === '—'), 'empty cells show —, not 0');
    await shootSections(page, frame, 'light');
  });

  uiTest('whatif-apply-writes-settings-one-undo', () => workbench, async ({ page }) => {
    const original = fs.readFileSync(experimentFile, 'utf8');
    await frame.locator('#section-whatif').scrollIntoViewIfNeeded();
    for (const name of ['Budget value', 'Percentile p']) assert.equal(await frame.getByRole('textbox', { name }).count(), 1, `no text field labelled "${name}"`);
    await frame.locator('#whatif-scope').evaluate((el) => { el.value = 'per-type'; el.dispatchEvent(new Event('change')); });
    await frame.locator('#whatif-percentile input').fill('40');
    await frame.locator('#whatif-budget input').fill('10');
    await frame.locator('#whatif-total').filter({ hasText: /^10 experts on / }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: screenshotPath('honest-whatif-900x700-light') });
    await frame.locator('#whatif-apply').click();
    await frame.locator('#notice').filter({ hasText: /Wrote 10 experts \(vote\) and .*allocation\.percentile/ }).waitFor({ timeout: 15_000 });
    await page.locator('.part.editor .tab').filter({ hasText: 'dashboard.smoe.json' }).first().click();
    await page.locator('.part.editor .monaco-editor').first().click({ position: { x: 200, y: 10 } });
    await page.keyboard.press('Control+S');
    // The save replaces the file's content: wait for a complete new text, not an empty or half-written one.
    await assert.doesNotReject(pollFile(experimentFile, (text) => text !== original && parsesAsJson(text)));
    const saved = JSON.parse(fs.readFileSync(experimentFile, 'utf8'));
    assert.deepEqual([saved.allocation.strategy, saved.allocation.percentile, saved.allocation.scope, saved.budget.kind, saved.budget.value], ['vote', 40, 'per-type', 'experts', 10]);
    assert.equal(Object.values(saved.experts).reduce((a, b) => a + b, 0), 10);
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    await pollFile(experimentFile, (text) => text === original);
    assert.equal(fs.readFileSync(experimentFile, 'utf8'), original, 'one Ctrl+Z did not restore the map and the settings');
  });

  uiTest('heatmap-legend-matches-cells-dark', () => workbench, async ({ page }) => {
    // The palette command opens the theme picker in the same quick input, so it stays visible in between.
    const widget = page.locator('.quick-input-widget');
    await page.keyboard.press('F1');
    await widget.waitFor({ state: 'visible' });
    await widget.locator('input').fill('>Preferences: Color Theme');
    await widget.locator('.monaco-list-row[aria-label^="Preferences: Color Theme"]').first().click();
    await widget.locator('.monaco-list-row[aria-label^="Light Modern"], .monaco-list-row[aria-label^="Dark Modern"]').first().waitFor({ state: 'visible' });
    await widget.locator('input').fill('Dark Modern');
    await widget.locator('.monaco-list-row[aria-label^="Dark Modern"]').first().click();
    await page.locator('.monaco-workbench.vs-dark').first().waitFor({ state: 'attached', timeout: 30_000 });
    await page.locator('.part.editor .tab').filter({ hasText: 'Dashboard: dashboard.smoe.json' }).first().click();
    frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('#sensitivity-legend[aria-label]').waitFor({ state: 'attached', timeout: 30_000 });
    await frame.locator('#section-sensitivity').scrollIntoViewIfNeeded();
    for (const log of [false, true]) {
      if (log) await frame.locator('#sensitivity-log').click();
      await frame.locator(`#sensitivity-legend[aria-label^="Colour scale (${log ? 'log' : 'linear'})"]`).waitFor({ state: 'attached' });
      const seen = await frame.locator('#sensitivity-heatmap').evaluate(legendAgreement);
      assert.ok(close(seen.maxCell, seen.legendMax), `max cell ${seen.maxCell} vs legend max ${seen.legendMax}`);
      assert.ok(close(seen.minCell, seen.legendMin), `min cell ${seen.minCell} vs legend min ${seen.legendMin}`);
      assert.ok(luminance(seen.maxCell) > luminance(seen.minCell) + 100, 'the most sensitive cell is not the brightest');
      await page.screenshot({ path: screenshotPath(`honest-heatmap-${log ? 'log' : 'linear'}-900x700-dark`) });
    }
    await shootSections(page, frame, 'dark');
  });
});

async function pollFile(file, match, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!match(fs.readFileSync(file, 'utf8'))) {
    if (Date.now() > deadline) throw new Error(`${file} did not change as expected within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
