// report.html in a real browser: the demo's report renderer, bundled on the fly with esbuild (this tier does
// not compile the TypeScript tests), rendered from the typed results fixture, opened from a file:// URL in
// Chromium. The screenshot test-results/ui/demo-report.png is the one the README links.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { launchChromium } from '../harness/chromium.mjs';
import { repoRoot, resultsDir } from '../harness/paths.mjs';

const ENTRY = `
import { renderReportHtml } from './src/core/demo/report/html';
import { loadChartSource } from './src/core/demo/report/chartSource';
import { DEMO_REPORT_FIXTURE } from './test/fixtures/demo/results';
export const html = renderReportHtml(DEMO_REPORT_FIXTURE, loadChartSource());
`;

/** Renders the fixture report with the project's own renderer; returns the HTML. */
async function renderFixtureReport() {
  const built = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: repoRoot, sourcefile: 'render-report.ts', loader: 'ts' },
    bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'error',
  });
  const module = { exports: {} };
  // The bundle resolves chart.js from the repository's node_modules, so evaluate it as if it lived there.
  new Function('module', 'exports', 'require', '__dirname', built.outputFiles[0].text)(
    module, module.exports, (await import('node:module')).createRequire(path.join(repoRoot, 'render-report.js')), path.join(repoRoot, 'src', 'core', 'demo', 'report'),
  );
  return module.exports.html;
}

describe('demo report.html', () => {
  it('renders the heatmap, the charts and the results table in Chromium', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-report-ui-'));
    const file = path.join(dir, 'report.html');
    fs.writeFileSync(file, await renderFixtureReport());
    const artifacts = process.env.SMOE_UI_RESULTS ?? path.join(resultsDir, 'ui');
    fs.mkdirSync(artifacts, { recursive: true });
    const browser = await launchChromium(path.join(dir, 'profile'), { viewport: { width: 1280, height: 900 } });
    try {
      const { page } = browser;
      const errors = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
      await page.goto(`file://${file}`);
      await page.waitForSelector('body[data-charts-ready="3"]', { timeout: 30_000 });
      await page.screenshot({ path: path.join(artifacts, 'demo-report.png'), fullPage: true });
      assert.deepEqual(errors, [], 'no script errors or CSP violations');
      for (const id of ['chart-allocation', 'chart-loss', 'chart-accuracy']) {
        const size = await page.$eval(`#${id}`, (c) => ({ width: c.width, height: c.height }));
        assert.ok(size.width > 200 && size.height > 100, `${id} drawn at ${size.width}x${size.height}`);
      }
      assert.equal(await page.locator('table.heatmap tbody tr').count(), 4);
      assert.equal(await page.locator('table.results tbody tr').count(), 4);
    } finally {
      await browser.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
