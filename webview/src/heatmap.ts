// The sensitivity heatmap on a canvas (layers down, module types across) and its legend, both coloured by the one
// scale of src/protocol/heatmapScale.ts: viridis from the map's min (dark purple) to its max (yellow), linear or log.
import { heatmapRange, rgbText, scalePosition, textColourOn, valueAt, viridis, type HeatmapRange, type HeatmapScaleKind } from '../../src/protocol/heatmapScale';
import type { HeatmapView } from '../../src/protocol/webview';
import { themeColours, withAlpha } from './theme';

const LABEL_WIDTH = 56;
const HEADER_HEIGHT = 22;
const MAX_CELL_WIDTH = 96;
const LEGEND = { width: 240, bar: 12, height: 34, inset: 8 };

export function formatValue(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 0.01 && magnitude < 1000 ? value.toPrecision(3) : value.toExponential(1);
}

function layout(canvas: HTMLCanvasElement, view: HeatmapView): { cellWidth: number; cellHeight: number; width: number; height: number } {
  const available = Math.max(200, (canvas.parentElement?.clientWidth ?? 600) - 8);
  const cellWidth = Math.min(MAX_CELL_WIDTH, Math.floor((available - LABEL_WIDTH) / Math.max(1, view.types.length)));
  const cellHeight = view.layers.length > 24 ? 12 : 22;
  return { cellWidth, cellHeight, width: LABEL_WIDTH + cellWidth * view.types.length, height: HEADER_HEIGHT + cellHeight * view.layers.length };
}

function prepare(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.ceil(width * ratio);
  canvas.height = Math.ceil(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = `11px ${getComputedStyle(document.body).fontFamily}`;
  ctx.textBaseline = 'middle';
  return ctx;
}

/** Where a cell is drawn (CSS pixels) and which cells hold the extremes: the UI tests compare them with the legend. */
function describe(canvas: HTMLCanvasElement, view: HeatmapView, cell: { cellWidth: number; cellHeight: number }): void {
  let min: [number, number] | undefined;
  let max: [number, number] | undefined;
  view.values.forEach((row, r) => row.forEach((v, c) => {
    if (v === null) return;
    if (!min || v < (view.values[min[0]][min[1]] as number)) min = [r, c];
    if (!max || v > (view.values[max[0]][max[1]] as number)) max = [r, c];
  }));
  canvas.dataset.layout = JSON.stringify({ left: LABEL_WIDTH, top: HEADER_HEIGHT, ...cell, min, max });
}

export function drawHeatmap(canvas: HTMLCanvasElement, view: HeatmapView, kind: HeatmapScaleKind): HeatmapRange | undefined {
  const { cellWidth, cellHeight, width, height } = layout(canvas, view);
  const ctx = prepare(canvas, width, height);
  if (!ctx) return undefined;
  const colours = themeColours();
  const range = heatmapRange(view.values.flat());
  ctx.textAlign = 'center';
  ctx.fillStyle = colours.foreground;
  view.types.forEach((type, c) => ctx.fillText(type, LABEL_WIDTH + c * cellWidth + cellWidth / 2, HEADER_HEIGHT / 2));
  ctx.textAlign = 'right';
  view.layers.forEach((layer, r) => ctx.fillText(`layer ${layer}`, LABEL_WIDTH - 6, HEADER_HEIGHT + r * cellHeight + cellHeight / 2));
  ctx.textAlign = 'center';
  view.layers.forEach((_, r) => view.types.forEach((__, c) => {
    const x = LABEL_WIDTH + c * cellWidth;
    const y = HEADER_HEIGHT + r * cellHeight;
    const value = view.values[r][c];
    const rgb = value !== null && range ? viridis(scalePosition(value, range, kind)) : undefined;
    ctx.fillStyle = rgb ? rgbText(rgb) : withAlpha(colours.muted, 0.08);
    ctx.fillRect(x + 1, y + 1, cellWidth - 2, cellHeight - 2);
    if (value === null || !rgb || cellHeight < 16 || cellWidth < 40) return;
    ctx.fillStyle = textColourOn(rgb);
    ctx.fillText(formatValue(value), x + cellWidth / 2, y + cellHeight / 2);
  }));
  describe(canvas, view, { cellWidth, cellHeight });
  return range;
}

/** The colour bar: the same scale from min (left) to max (right), with the values at both ends and the middle. */
export function drawLegend(canvas: HTMLCanvasElement, range: HeatmapRange | undefined, kind: HeatmapScaleKind): void {
  const ctx = prepare(canvas, LEGEND.width + 2 * LEGEND.inset, LEGEND.height);
  if (!ctx || !range) return;
  for (let x = 0; x < LEGEND.width; x++) {
    ctx.fillStyle = rgbText(viridis(x / (LEGEND.width - 1)));
    ctx.fillRect(LEGEND.inset + x, 0, 1, LEGEND.bar);
  }
  ctx.fillStyle = themeColours().foreground;
  ctx.textBaseline = 'top';
  const ticks: [number, CanvasTextAlign][] = [[0, 'left'], [0.5, 'center'], [1, 'right']];
  for (const [position, align] of ticks) {
    ctx.textAlign = align;
    const value = position === 0 ? range.min : position === 1 ? range.max : valueAt(0.5, range, kind);
    ctx.fillText(formatValue(value), LEGEND.inset + position * LEGEND.width, LEGEND.bar + 6);
  }
  canvas.dataset.layout = JSON.stringify({ left: LEGEND.inset, width: LEGEND.width, bar: LEGEND.bar });
  canvas.setAttribute('aria-label', `Colour scale (${kind}): ${formatValue(range.min)} dark purple to ${formatValue(range.max)} yellow`);
}

/** The module under the mouse, for the canvas tooltip. */
export function heatmapCellAt(canvas: HTMLCanvasElement, view: HeatmapView, clientX: number, clientY: number): string | undefined {
  const rect = canvas.getBoundingClientRect();
  const { cellWidth, cellHeight } = layout(canvas, view);
  const c = Math.floor((clientX - rect.left - LABEL_WIDTH) / cellWidth);
  const r = Math.floor((clientY - rect.top - HEADER_HEIGHT) / cellHeight);
  if (r < 0 || c < 0 || r >= view.layers.length || c >= view.types.length) return undefined;
  const value = view.values[r][c];
  return `layer ${view.layers[r]} ${view.types[c]}: ${value === null ? 'not measured' : formatValue(value)}`;
}
