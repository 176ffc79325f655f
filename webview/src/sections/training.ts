// Training: loss (total, per task, compared runs), learning rate, gradient norm, tokens/s and router load per expert.
import type { ChartConfiguration } from 'chart.js';
import type { TrainingView } from '../../../src/protocol/webview';
import { baseOptions, drawChart } from '../charts';
import { byId, custom, el, replaceChildren, type ValueElement } from '../dom';
import { seriesColour, themeColours, withAlpha } from '../theme';
import { post } from '../vscodeApi';

const ROUTER_MODULES_SHOWN = 48;
/** Compared runs take hues the theme's chart colours (the run and its tasks) do not use, so no line is mistaken for a task. */
const COMPARE_COLOURS = ['#e377c2', '#17becf', '#8c564b', '#bcbd22', '#9edae5', '#7f7f7f'];

function chartBox(id: string, title: string, tall = false): HTMLElement {
  return el('figure', { class: tall ? 'chart tall' : 'chart' }, el('figcaption', {}, title), el('canvas', { id, 'aria-label': title }));
}

export function trainingSection(): HTMLElement {
  const picker = custom('vscode-dropdown', { id: 'training-run', 'aria-label': 'Training run' }) as ValueElement;
  picker.addEventListener('change', () => { if (picker.value) post({ type: 'selectTrainingRun', runId: picker.value }); });
  return el('section', { id: 'section-training', class: 'section' },
    el('h2', {}, 'Training'),
    el('div', { class: 'controls' }, el('label', { for: 'training-run' }, 'Run'), picker, el('span', { id: 'training-status', class: 'caption' })),
    el('div', { class: 'chart-grid' },
      chartBox('training-loss', 'Loss (total and per task)'),
      chartBox('training-lr', 'Learning rate'),
      chartBox('training-grad', 'Gradient norm'),
      chartBox('training-throughput', 'Tokens per second'),
    ),
    chartBox('training-router', 'Router load: mean gate per expert (last step)', true),
    el('p', { class: 'empty' }, 'No training run yet: run "Train".'),
  );
}

type Points = { x: number; y: number | null }[];
const points = (xs: readonly number[], ys: readonly (number | null)[]): Points => xs.map((x, i) => ({ x, y: ys[i] ?? null }));

function lineChart(datasets: { label: string; data: Points; colour: string; width?: number; dash?: number[] }[], yTitle: string): ChartConfiguration {
  return {
    type: 'line',
    data: { datasets: datasets.map((d) => ({ label: d.label, data: d.data, borderColor: d.colour, backgroundColor: d.colour, borderWidth: d.width ?? 1.5, borderDash: d.dash, pointRadius: 0, spanGaps: true })) },
    options: { ...baseOptions(), scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { title: { display: true, text: yTitle } } } },
  };
}

function drawLossChart(view: TrainingView): void {
  const colours = themeColours();
  const tasks = Object.entries(view.taskLoss).map(([task, loss], i) => ({ label: task, data: points(view.steps, loss), colour: withAlpha(seriesColour(colours, i + 1), 0.8), width: 1 }));
  const others = view.compare.map((c, i) => ({ label: `total ${c.runId}`, data: points(c.steps, c.loss), colour: COMPARE_COLOURS[i % COMPARE_COLOURS.length], width: 2, dash: [6, 3] }));
  drawChart(byId<HTMLCanvasElement>('training-loss'), lineChart([{ label: `total ${view.runId}`, data: points(view.steps, view.loss), colour: seriesColour(colours, 0), width: 2.5 }, ...tasks, ...others], 'loss'));
}

function drawRouterLoad(view: TrainingView): void {
  const colours = themeColours();
  const modules = view.routerLoad.slice(0, ROUTER_MODULES_SHOWN);
  const experts = Math.max(0, ...modules.map((m) => m.meanGate.length));
  const short = (name: string) => name.replace(/^model\.layers\.(\d+)\.(self_attn|mlp)\./, 'L$1 ');
  drawChart(byId<HTMLCanvasElement>('training-router'), {
    type: 'bar',
    data: {
      labels: modules.map((m) => short(m.module)),
      datasets: Array.from({ length: experts }, (_, e) => ({ label: `expert ${e + 1}`, data: modules.map((m) => m.meanGate[e] ?? 0), backgroundColor: seriesColour(colours, e), stack: 'gate' })),
    },
    options: { ...baseOptions(), indexAxis: 'y', scales: { x: { stacked: true, min: 0, max: 1, title: { display: true, text: 'share of gate' } }, y: { stacked: true } } },
  });
}

function renderPicker(view: TrainingView): void {
  const picker = byId<ValueElement>('training-run');
  const ids = view.runs.map((r) => r.id);
  if ([...picker.querySelectorAll('vscode-option')].map((o) => o.getAttribute('value')).join('\n') !== ids.join('\n')) {
    replaceChildren(picker, ...view.runs.map((r) => custom('vscode-option', { value: r.id }, `${r.id} (${r.status})`)));
  }
  picker.value = view.runId;
  const progress = view.lastStep !== undefined ? `step ${view.lastStep}${view.maxSteps ? ` of ${view.maxSteps}` : ''}` : 'no steps yet';
  byId('training-status').textContent = `${view.status} · ${progress}`;
}

export function renderTraining(view: TrainingView | undefined): void {
  byId('section-training').classList.toggle('is-empty', !view);
  if (!view) return;
  renderPicker(view);
  const colours = themeColours();
  drawLossChart(view);
  drawChart(byId<HTMLCanvasElement>('training-lr'), lineChart([{ label: 'learning rate', data: points(view.steps, view.learningRate), colour: seriesColour(colours, 2) }], 'lr'));
  drawChart(byId<HTMLCanvasElement>('training-grad'), lineChart([{ label: 'gradient norm', data: points(view.steps, view.gradNorm), colour: seriesColour(colours, 3) }], '‖g‖'));
  drawChart(byId<HTMLCanvasElement>('training-throughput'), lineChart([{ label: 'tokens/s', data: points(view.steps, view.tokensPerSecond), colour: seriesColour(colours, 4) }], 'tokens/s'));
  byId('training-router').closest('figure')?.classList.toggle('is-hidden', view.routerLoad.length === 0);
  if (view.routerLoad.length > 0) drawRouterLoad(view);
}
