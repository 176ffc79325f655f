import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadChartSource } from '../../../src/core/demo/report/chartSource';
import { scriptJson } from '../../../src/core/demo/report/escape';
import { renderReportHtml } from '../../../src/core/demo/report/html';
import { formatResultsTable } from '../../../src/core/demo/table';
import { DEMO_RESULTS_FIXTURE } from '../../fixtures/demo/results';

describe('report.html', () => {
  const chart = loadChartSource();
  const html = renderReportHtml(DEMO_RESULTS_FIXTURE, chart);

  it('inlines chart.js and loads nothing from outside the file', () => {
    assert.ok(chart.length > 100_000, 'chart.umd.js found');
    assert.ok(html.includes(chart.slice(0, 2000)), 'chart.js source inlined');
    const page = html.replace(chart, '');
    assert.ok(page.length < 60_000, `the page without chart.js is ${page.length} characters`);
    const external = /<script[^>]+src=|<link[^>]+href=|https?:\/\//i.exec(page);
    assert.equal(external, null, `external reference: ${external?.[0]}`);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  });

  it('has the heatmap, the three charts and one results row per model', () => {
    for (const id of ['chart-allocation', 'chart-loss', 'chart-accuracy']) assert.ok(html.includes(`id="${id}"`), id);
    assert.equal((html.match(/<table class="heatmap">/g) ?? []).length, 1);
    assert.equal((html.match(/<tr><th>(copy|reverse|add|lookup)<\/th>/g) ?? []).length, 4, 'a heatmap row per task');
    for (const v of DEMO_RESULTS_FIXTURE.variants) assert.ok(html.includes(v.label), v.label);
  });

  it('escapes text and keeps embedded JSON from closing the script', () => {
    const hostile = { ...DEMO_RESULTS_FIXTURE, title: '<img src=x onerror=alert(1)>' };
    const page = renderReportHtml(hostile, '/* chart */');
    assert.ok(!page.includes('<img src=x'));
    assert.equal(scriptJson({ a: '</script><!--' }), '{"a":"\\u003c/script>\\u003c!--"}');
  });
});

describe('formatResultsTable', () => {
  it('prints per-task accuracy and loss, parameters and the probe/training times', () => {
    const text = formatResultsTable(DEMO_RESULTS_FIXTURE);
    const lines = text.split('\n');
    assert.match(lines[0], /^model\s+trainable\s+experts\s+copy acc loss\s+reverse acc loss\s+add acc loss\s+lookup acc loss\s+average\s+train\s+tok\/s$/);
    assert.match(text, /LoRA-SMoE \(vote\)\s+44,992\s+70\s+86\.0% 0\.35/);
    assert.match(text, /base model \(no adapter\)\s+0\s+-\s+2\.0% 3\.10/);
    assert.match(text, /probe: 4\.2s \(6\.2% of training\); training: 68\.2s \(lora 20\.1s, uniform 24\.3s, vote 23\.8s\)/);
  });
});
