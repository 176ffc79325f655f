// The sensitivity heatmap on a canvas: layers down, module types across, shade = value / max.
import type { HeatmapView } from '../../src/protocol/webview';
import { themeColours, withAlpha } from './theme';

const LABEL_WIDTH = 56;
const HEADER_HEIGHT = 22;
const MAX_CELL_WIDTH = 96;

function formatValue(value: number): string {
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

export function drawHeatmap(canvas: HTMLCanvasElement, view: HeatmapView): void {
  const { cellWidth, cellHeight, width, height } = layout(canvas, view);
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.ceil(width * ratio);
  canvas.height = Math.ceil(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const colours = themeColours();
  ctx.font = `11px ${getComputedStyle(document.body).fontFamily}`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'center';
  ctx.fillStyle = colours.foreground;
  view.types.forEach((type, c) => ctx.fillText(type, LABEL_WIDTH + c * cellWidth + cellWidth / 2, HEADER_HEIGHT / 2));
  ctx.textAlign = 'right';
  view.layers.forEach((layer, r) => ctx.fillText(`layer ${layer}`, LABEL_WIDTH - 6, HEADER_HEIGHT + r * cellHeight + cellHeight / 2));
  ctx.textAlign = 'center';
  view.layers.forEach((_, r) => view.types.forEach((__, c) => drawCell(ctx, view, r, c, { cellWidth, cellHeight, colours })));
}

function drawCell(ctx: CanvasRenderingContext2D, view: HeatmapView, r: number, c: number, o: { cellWidth: number; cellHeight: number; colours: ReturnType<typeof themeColours> }): void {
  const x = LABEL_WIDTH + c * o.cellWidth;
  const y = HEADER_HEIGHT + r * o.cellHeight;
  const shade = view.shade[r][c];
  const value = view.values[r][c];
  ctx.fillStyle = shade === null ? withAlpha(o.colours.muted, 0.08) : withAlpha(o.colours.series[0], 0.1 + 0.9 * shade);
  ctx.fillRect(x + 1, y + 1, o.cellWidth - 2, o.cellHeight - 2);
  if (value === null || o.cellHeight < 16 || o.cellWidth < 40) return;
  ctx.fillStyle = shade !== null && shade > 0.6 ? o.colours.background : o.colours.foreground;
  ctx.fillText(formatValue(value), x + o.cellWidth / 2, y + o.cellHeight / 2);
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
