// Helpers for UI tests: a code-server workbench in headless Chromium, run by test/harness/ui.mjs,
// which passes the server and sandbox through SMOE_UI_* variables.
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { launchChromium } from '../harness/chromium.mjs';
import { repoRoot } from '../harness/paths.mjs';

const WORKBENCH_TIMEOUT_MS = 60_000;

function uiEnvironment() {
  const names = ['SMOE_UI_ORIGIN', 'SMOE_UI_WORKSPACE', 'SMOE_UI_SANDBOX', 'SMOE_UI_EXTENSIONS_DIR', 'SMOE_UI_RESULTS'];
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(`UI tests run under the harness (npm run test:ui); missing ${missing.join(', ')}`);
  }
  return {
    origin: process.env.SMOE_UI_ORIGIN,
    workspace: process.env.SMOE_UI_WORKSPACE,
    sandbox: process.env.SMOE_UI_SANDBOX,
    extensionsDir: process.env.SMOE_UI_EXTENSIONS_DIR,
    results: process.env.SMOE_UI_RESULTS,
  };
}

export const ui = uiEnvironment();
export const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

const cssString = (value) => JSON.stringify(String(value));

export function screenshotPath(label) {
  return path.join(ui.results, `${label.replace(/[^A-Za-z0-9_.-]+/g, '-')}.png`);
}

/** Opens the workbench on the fixture workspace in a fresh Chromium profile. */
export async function openWorkbench(label) {
  const profile = fs.mkdtempSync(path.join(ui.sandbox, `chromium-${label}-`));
  const browser = await launchChromium(profile);
  const { page } = browser;
  page.setDefaultTimeout(20_000);
  // The workbench's first load is slow on a busy machine: it gets the same allowance as the wait for its parts.
  await page.goto(`${ui.origin}/?${new URLSearchParams({ folder: ui.workspace })}`, { timeout: WORKBENCH_TIMEOUT_MS });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
  return {
    page,
    screenshot: (name) => page.screenshot({ path: screenshotPath(name) }),
    close: () => browser.close(),
  };
}

/**
 * A node:test `it` whose body gets the shared workbench; it always leaves `<name>.png` under
 * test-results/ui, and `<name>-failure.png` when it fails.
 */
export function uiTest(name, getWorkbench, body) {
  it(name, async () => {
    const workbench = getWorkbench();
    try {
      await body(workbench);
    } catch (error) {
      await workbench.screenshot(`${name}-failure`).catch(() => {});
      throw error;
    } finally {
      await workbench.screenshot(name).catch(() => {});
    }
  });
}

/** The activity-bar tab of a view container, by its exact title (a keybinding suffix is allowed). */
export function activityBarEntry(page, title) {
  const label = page.locator(`a.action-label[aria-label=${cssString(title)}], a.action-label[aria-label^=${cssString(`${title} (`)}]`);
  return page.locator('.part.activitybar li.action-item').filter({ has: label });
}

/** The view container's composite in the side bar, e.g. `workbench.view.extension.smoe`. */
export function sideBarContainer(page, containerId) {
  return page.locator(`.part.sidebar [id=${cssString(`workbench.view.extension.${containerId}`)}]`);
}

/**
 * Runs a command from the command palette by clicking the row whose aria-label is exactly `label`
 * (e.g. "LoRA-SMoE: Focus on Experiments View"); pressing Enter may run a neighbouring command.
 * The first row of a group carries its separator in the label ("…, recently used"), so `label, …`
 * matches too.
 */
export async function runCommandFromPalette(page, label, { timeout = 15_000 } = {}) {
  const widget = page.locator('.quick-input-widget');
  await page.keyboard.press('F1');
  await widget.waitFor({ state: 'visible', timeout });
  await widget.locator('input').fill(`>${label}`);
  const row = widget.locator(`.monaco-list-row[aria-label=${cssString(label)}], .monaco-list-row[aria-label^=${cssString(`${label}, `)}]`);
  try {
    await row.first().waitFor({ state: 'visible', timeout });
  } catch (error) {
    const offered = await widget.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')));
    throw new Error(`no palette row labelled exactly "${label}"; offered: ${JSON.stringify(offered)}`, { cause: error });
  }
  await row.first().click();
  await widget.waitFor({ state: 'hidden', timeout });
}

/** Opens a workspace file with Quick Open (Ctrl+P), clicking the row for its name. */
export async function quickOpen(page, fileName) {
  const widget = page.locator('.quick-input-widget');
  await page.keyboard.press('Control+P');
  await widget.waitFor({ state: 'visible' });
  await widget.locator('input').fill(fileName);
  const row = widget.locator('.monaco-list-row').filter({ hasText: fileName });
  await row.first().waitFor({ state: 'visible', timeout: 30_000 });
  await row.first().click();
  await widget.waitFor({ state: 'hidden' });
}
