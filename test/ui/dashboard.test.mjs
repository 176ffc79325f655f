// The dashboard in Chromium on a finished probe and training run (seeded run folders, as the jobs write them): the
// charts are painted, the what-if total follows the budget, every section has content, and the sections and the
// Experiments view are saved as screenshots in test-results/ui/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { writeDashboardWorkspace } from './dashboardWorkspace.mjs';
import { activityBarEntry, openWorkbench, runCommandFromPalette, screenshotPath, sideBarContainer, ui, uiTest } from './workbench.mjs';

const CHARTS = ['sensitivity-heatmap', 'allocation-chart', 'whatif-chart', 'training-loss', 'training-lr', 'training-grad', 'training-throughput', 'training-router'];
/** Each section's heading; every one has content for this workspace (none is marked empty). */
const SECTIONS = { sensitivity: 'Sensitivity', allocation: 'Allocation', whatif: 'Strategy what-if', training: 'Training', evaluation: 'Evaluation' };

/** Pixels that are not fully transparent: chart.js and the heatmap draw on a transparent canvas. */
function paintedPixels(canvas) {
  const ctx = canvas.getContext('2d');
  if (!ctx || canvas.width === 0 || canvas.height === 0) return 0;
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}


describe('dashboard in the workbench', () => {
  let workbench;
  let frame;
  let experimentFile;
  before(async () => {
    experimentFile = writeDashboardWorkspace(ui.workspace);
    workbench = await openWorkbench('dashboard');
  });
  after(async () => {
    await workbench?.close();
  });

  uiTest('experiments-view', () => workbench, async ({ page }) => {
    const entry = activityBarEntry(page, 'LoRA-SMoE');
    await entry.waitFor({ state: 'visible', timeout: 60_000 });
    if (!/\bchecked\b/.test((await entry.getAttribute('class')) ?? '')) await entry.click();
    const view = sideBarContainer(page, 'smoe');
    await view.locator('.monaco-list-row').filter({ hasText: 'dashboard.smoe.json' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    for (const text of ['loss ', 'avg acc 63.5%', 'experts ·']) {
      await view.locator('.monaco-list-row').filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: 15_000 });
    }
    await view.locator('.codicon-error').first().waitFor({ state: 'visible' });
    await page.locator('.part.sidebar').screenshot({ path: screenshotPath('experiments-view-tree') });
  });

  uiTest('dashboard-open', () => workbench, async ({ page }) => {
    // Clicking the experiment opens it; with it in the active editor the command needs no quick pick.
    await sideBarContainer(page, 'smoe').locator('.monaco-list-row').filter({ hasText: 'dashboard.smoe.json' }).first().click();
    await page.locator('.part.editor .tab.active').filter({ hasText: 'dashboard.smoe.json' }).waitFor({ state: 'visible' });
    await runCommandFromPalette(page, 'LoRA-SMoE: Open Dashboard');
    frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('#app[aria-busy="false"]').waitFor({ state: 'attached', timeout: 60_000 });
    assert.equal(await frame.locator('#experiment-name').innerText(), 'dashboard-fixture');
    await frame.locator('#evaluation-table td.best').first().waitFor({ state: 'visible' });
  });

  uiTest('dashboard-charts-painted', () => workbench, async () => {
    for (const id of CHARTS) {
      const canvas = frame.locator(`canvas#${id}`);
      await canvas.scrollIntoViewIfNeeded();
      let painted = 0;
      for (let attempt = 0; attempt < 20 && painted < 500; attempt++) {
        painted = await canvas.evaluate(paintedPixels);
        if (painted < 500) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.ok(painted >= 500, `#${id} looks blank (${painted} painted pixels)`);
    }
  });

  uiTest('dashboard-budget-changes-total', () => workbench, async () => {
    const total = frame.locator('#whatif-total');
    await assert.doesNotReject(total.filter({ hasText: /^24 experts on / }).waitFor({ timeout: 15_000 }));
    await frame.locator('#whatif-budget input').fill('12');
    await total.filter({ hasText: /^12 experts on / }).waitFor({ timeout: 15_000 });
    await frame.locator('#whatif-budget input').fill('40');
    await total.filter({ hasText: /^40 experts on / }).waitFor({ timeout: 15_000 });
    assert.match(await total.innerText(), /trainable parameters \(≈ plain LoRA rank [\d.]+; plain LoRA rank 4: [\d,]+\)/);
  });

  uiTest('dashboard-sections', () => workbench, async ({ page }) => {
    // Tall enough that the training section (four charts and the router load) fits the webview in one piece.
    await page.setViewportSize({ width: 1400, height: 1700 });
    for (const [name, heading] of Object.entries(SECTIONS)) {
      const section = frame.locator(`#section-${name}`);
      await section.scrollIntoViewIfNeeded();
      assert.equal(await section.locator('h2').innerText(), heading);
      assert.doesNotMatch((await section.getAttribute('class')) ?? '', /\bis-empty\b/, `#section-${name} is marked empty`);
      const box = await section.boundingBox();
      assert.ok(box && box.height > 100, `#section-${name} is ${box?.height ?? 0} px tall`);
      await section.screenshot({ path: screenshotPath(`dashboard-${name}`) });
    }
  });

  uiTest('follows-a-finished-run', () => workbench, async ({ page }) => {
    // As `smoe evaluate` in a terminal leaves a run, outside any job of the extension: eval.json, then run.json.
    const runs = path.join(path.dirname(experimentFile), '.smoe', 'runs');
    const source = path.join(runs, '20260301-110000-evaluate');
    const id = '20260301-130000-evaluate';
    fs.mkdirSync(path.join(runs, id));
    const report = JSON.parse(fs.readFileSync(path.join(source, 'eval.json'), 'utf8'));
    fs.writeFileSync(path.join(runs, id, 'eval.json'), JSON.stringify({ ...report, average: { ...report.average, accuracy: 0.71875 } }));
    const record = JSON.parse(fs.readFileSync(path.join(source, 'run.json'), 'utf8'));
    const stamps = { startedAt: '2026-03-01T13:00:00.000Z', finishedAt: '2026-03-01T13:04:00.000Z' };
    fs.writeFileSync(path.join(runs, id, 'run.json'), JSON.stringify({ ...record, id, ...stamps, summary: { ...record.summary, average: 0.71875 } }));
    const view = sideBarContainer(page, 'smoe');
    await view.locator('.monaco-list-row').filter({ hasText: 'avg acc 71.9%' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await frame.locator('#evaluation-table td').filter({ hasText: /^71\.9%$/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
  });

  uiTest('follows-an-edited-experiment', () => workbench, async () => {
    // Changed on disk (another editor, git checkout): the open document reloads and the dashboard follows.
    const text = fs.readFileSync(experimentFile, 'utf8');
    fs.writeFileSync(experimentFile, text.replace('"name": "dashboard-fixture"', '"name": "dashboard-renamed"').replace('"value": 24', '"value": 30'));
    await frame.locator('#experiment-name').filter({ hasText: /^dashboard-renamed$/ }).waitFor({ state: 'visible', timeout: 30_000 });
  });
});
