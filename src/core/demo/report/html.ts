import { formatMeanInterval } from '../../stats';
import { AVERAGE, averageAccuracy, type DemoResults, type VariantResult } from '../results';
import { comparisonHeadlines, formatComparisons, formatResultsTable } from '../table';
import { reportCharts, VARIANT_COLORS } from './charts';
import { escapeHtml, scriptJson } from './escape';
import { sensitivityHeatmap } from './heatmap';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1180px;color:#202124;padding:0 16px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px}
.meta{color:#5f6368;margin:0 0 16px}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{border:1px solid #dadce0;border-radius:8px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:20px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:20px}
.chart{position:relative;height:300px;border:1px solid #dadce0;border-radius:8px;padding:8px}
.chart.wide{grid-column:1/3}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
table.results td,table.results th{padding:4px 10px;border-bottom:1px solid #e8eaed;text-align:right}
table.results td:first-child,table.results th:first-child{text-align:left}
table.heatmap td,table.heatmap th{padding:3px 4px;font-size:10.5px;text-align:center;border:1px solid #fff}
.scroll{overflow-x:auto}
pre{background:#f8f9fa;border:1px solid #dadce0;border-radius:8px;padding:10px;overflow:auto;font-size:12px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
`;

function summaryCards(results: DemoResults): string {
  const best = [...results.variants].sort((a, b) => averageAccuracy(b, results.tasks) - averageAccuracy(a, results.tasks))[0];
  const trainTotal = results.variants.reduce((a, v) => a + (v.trainSeconds ?? 0), 0);
  const cards: [string, string][] = [
    ['best average accuracy', best ? `${(100 * averageAccuracy(best, results.tasks)).toFixed(1)}% <small>${escapeHtml(best.label)}</small>` : '-'],
    ['probe time', `${results.timings.probeSeconds.toFixed(1)} s`],
    ['training time (all)', `${trainTotal.toFixed(1)} s`],
    ['base model', `${results.model.parameters.toLocaleString('en-US')} params`],
  ];
  return `<div class="cards">${cards.map(([k, v]) => `<div class="card">${escapeHtml(k)}<b>${v}</b></div>`).join('')}</div>`;
}

function resultsTable(results: DemoResults): string {
  const head = ['model', 'trainable params', 'experts', ...results.tasks, 'average', 'train time', 'tokens/s'];
  const rows = results.variants.map((v) => {
    const task = (t: string) => (v.scores[t] ? `${accuracyCell(v, t, v.scores[t].accuracy)} <small>(${v.scores[t].loss.toFixed(2)})</small>` : '-');
    const cells = [
      `<span class="swatch" style="background:${VARIANT_COLORS[v.id]}"></span>${escapeHtml(v.label)}`,
      v.trainableParams.toLocaleString('en-US'), v.id === 'base' ? '-' : String(v.totalExperts),
      ...results.tasks.map(task), accuracyCell(v, AVERAGE, averageAccuracy(v, results.tasks)),
      v.trainSeconds === undefined ? '-' : `${v.trainSeconds.toFixed(1)} s`,
      v.tokensPerSecond === undefined ? '-' : v.tokensPerSecond.toFixed(0),
    ];
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  return `<table class="results"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Accuracy as mean ± half-width of the 95% interval across seeds, when there is one. */
function accuracyCell(v: VariantResult, key: string, accuracy: number): string {
  const interval = v.intervals?.[key]?.accuracy;
  return `<span class="ci">${escapeHtml(interval ? formatMeanInterval(interval) : `${(100 * accuracy).toFixed(1)}%`)}</span>`;
}

/** The plain answer first, then the paired differences behind it. */
function noiseSection(results: DemoResults): string {
  const headlines = comparisonHeadlines(results);
  if (headlines.length === 0) return '';
  const details = formatComparisons(results);
  return `<h2>Beyond noise?</h2><div class="verdicts">${headlines.map((h) => `<p><b>${escapeHtml(h)}</b></p>`).join('')}</div><pre>${escapeHtml(details)}</pre>`;
}

function chartBlocks(results: DemoResults): string {
  return reportCharts(results)
    .map((c) => `<div class="chart${c.id === 'allocation' ? ' wide' : ''}"><canvas id="chart-${c.id}" aria-label="${escapeHtml(c.title)}"></canvas></div>`)
    .join('');
}

/**
 * The self-contained report: inline styles, chart.js inlined, data embedded as JSON. The CSP allows
 * nothing from outside the file, so the page behaves the same offline and from a file:// URL.
 */
export function renderReportHtml(results: DemoResults, chartSource: string | undefined): string {
  const m = results.model;
  const specs = reportCharts(results).map((c) => ({ id: `chart-${c.id}`, title: c.title, config: c.config }));
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(results.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(results.title)}</h1>
<p class="meta">${results.quick ? 'Quick run' : 'Default run'} · ${escapeHtml(results.createdAt)} · base model: ${m.layers} layers, hidden ${m.hidden}, ${m.heads} heads, vocabulary ${m.vocab} · tasks: ${results.tasks.map(escapeHtml).join(', ')}</p>
${summaryCards(results)}
<h2>Results</h2>${resultsTable(results)}
${noiseSection(results)}
<h2>Sensitivity (per task, scaled to the task's most sensitive module)</h2>${sensitivityHeatmap(results)}
<h2>Allocation, training and accuracy</h2><div class="grid">${chartBlocks(results)}</div>
<h2>Terminal table</h2><pre>${escapeHtml(formatResultsTable(results))}</pre>
${chartSource === undefined ? '<p class="meta">Charts are missing: chart.js was not found next to this installation.</p>' : `<script>${chartSource.replace(/<\/script/gi, '<\\/script')}</script>`}
<script>
const specs = ${scriptJson(specs)};
for (const spec of typeof Chart === 'undefined' ? [] : specs) {
  const config = spec.config;
  config.options = Object.assign({}, config.options, { plugins: { title: { display: true, text: spec.title } } });
  new Chart(document.getElementById(spec.id), config);
}
document.body.dataset.chartsReady = String(typeof Chart === 'undefined' ? 0 : specs.length);
</script>
</body></html>
`;
}
