// Sensitivity: a heatmap per task and summed, picked with a dropdown.
import type { HeatmapView, SensitivityView } from '../../../src/protocol/webview';
import { byId, custom, el, replaceChildren, type ValueElement } from '../dom';
import { drawHeatmap, drawLegend, heatmapCellAt } from '../heatmap';

const SUMMED = '__summed__';
let current: SensitivityView | undefined;
let shown: HeatmapView | undefined;

export function sensitivitySection(): HTMLElement {
  const picker = custom('vscode-dropdown', { id: 'sensitivity-task', 'aria-label': 'Task' }) as ValueElement;
  picker.addEventListener('change', () => draw());
  const log = custom('vscode-checkbox', { id: 'sensitivity-log', 'aria-label': 'Log colour scale' }, 'Log scale');
  log.addEventListener('change', () => draw());
  const canvas = el('canvas', { id: 'sensitivity-heatmap', 'aria-label': 'Sensitivity heatmap' });
  canvas.addEventListener('mousemove', (e) => { canvas.title = shown ? heatmapCellAt(canvas, shown, e.clientX, e.clientY) ?? '' : ''; });
  return el('section', { id: 'section-sensitivity', class: 'section' },
    el('h2', {}, 'Sensitivity'),
    el('p', { class: 'caption', id: 'sensitivity-source' }),
    el('div', { class: 'controls' }, el('label', { for: 'sensitivity-task' }, 'Task'), picker, log),
    el('div', { class: 'heatmap-box' }, canvas),
    el('div', { class: 'legend' }, el('span', { class: 'caption', id: 'sensitivity-legend-caption' }), el('canvas', { id: 'sensitivity-legend', role: 'img' })),
    el('p', { class: 'empty', id: 'sensitivity-empty' }, 'No sensitivity result yet: run "Probe Sensitivity".'),
  );
}

function draw(): void {
  if (!current) return;
  const picked = byId<ValueElement>('sensitivity-task').value;
  shown = current.tasks.find((t) => t.title === picked) ?? current.summed;
  const kind = (byId<HTMLElement & { checked: boolean }>('sensitivity-log').checked ? 'log' : 'linear') as 'log' | 'linear';
  const range = drawHeatmap(byId<HTMLCanvasElement>('sensitivity-heatmap'), shown, kind);
  drawLegend(byId<HTMLCanvasElement>('sensitivity-legend'), range, kind);
  byId('sensitivity-legend-caption').textContent = range ? `Colour (${kind} scale), lowest → highest:` : 'No measured module.';
}

export function renderSensitivity(view: SensitivityView | undefined): void {
  const section = byId('section-sensitivity');
  section.classList.toggle('is-empty', !view);
  current = view;
  if (!view) return;
  byId('sensitivity-source').textContent = `From ${view.source}; ${view.tasks.length} task(s). S = Σ‖∂L/∂W‖² per module; the colour scale below runs from the least (dark purple) to the most sensitive (yellow).`;
  const picker = byId<ValueElement>('sensitivity-task');
  const previous = picker.value || SUMMED;
  const options = [{ value: SUMMED, label: 'All tasks (summed)' }, ...view.tasks.map((t) => ({ value: t.title, label: t.title }))];
  const same = [...picker.querySelectorAll('vscode-option')].map((o) => o.getAttribute('value')).join('\n') === options.map((o) => o.value).join('\n');
  if (!same) {
    replaceChildren(picker, ...options.map((o) => custom('vscode-option', { value: o.value }, o.label)));
    picker.value = options.some((o) => o.value === previous) ? previous : SUMMED;
  }
  draw();
}
