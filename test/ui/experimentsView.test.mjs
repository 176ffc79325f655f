import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { activityBarEntry, manifest, openWorkbench, runCommandFromPalette, sideBarContainer, uiTest } from './workbench.mjs';

const CONTAINER_ID = 'smoe';
const VIEW_ID = 'smoe.experiments';
const container = manifest.contributes.viewsContainers.activitybar.find((c) => c.id === CONTAINER_ID);
const view = manifest.contributes.views[CONTAINER_ID].find((v) => v.id === VIEW_ID);

describe('Experiments view in the workbench', () => {
  let workbench;
  before(async () => {
    assert.ok(container && view, `package.json lacks the ${CONTAINER_ID} container or the ${VIEW_ID} view`);
    workbench = await openWorkbench('experiments');
  });
  after(async () => {
    await workbench?.close();
  });

  uiTest('activity-bar-entry-opens-experiments', () => workbench, async ({ page }) => {
    const entry = activityBarEntry(page, container.title);
    await entry.waitFor({ state: 'visible', timeout: 60_000 });
    await entry.click();
    const composite = sideBarContainer(page, CONTAINER_ID);
    await composite.waitFor({ state: 'visible' });
    const header = composite.locator(`.pane-header[aria-label^=${JSON.stringify(`${view.name} `)}]`);
    assert.equal(await header.count(), 1, `no "${view.name}" pane in the ${container.title} container`);
    await composite.locator('.pane-body').first().waitFor({ state: 'visible' });
    // Let the view's first load finish so the screenshot shows its content, not the progress bar.
    await composite.locator('.monaco-progress-container').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
    const title = await page.locator('.part.sidebar .composite.title .title-label h2').innerText();
    assert.match(title.toLowerCase(), new RegExp(container.title.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(await entry.getAttribute('class'), /\bchecked\b/, 'the activity-bar entry is not shown as selected');
  });

  uiTest('palette-focuses-experiments', () => workbench, async ({ page }) => {
    const composite = sideBarContainer(page, CONTAINER_ID);
    await runCommandFromPalette(page, 'View: Close Primary Side Bar');
    await composite.waitFor({ state: 'hidden' });
    await runCommandFromPalette(page, `${container.title}: Focus on ${view.name} View`);
    await composite.waitFor({ state: 'visible' });
  });
});
