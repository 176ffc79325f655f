// The Pareto chart of the comparison: average accuracy against trainable parameters, one point per configuration,
// the Pareto-optimal ones joined by a line.
import type { ComparisonRowView } from '../../../src/protocol/comparison';
import { baseOptions, clearChart, drawChart } from '../charts';
import { formatCount } from '../dom';
import { seriesColour, themeColours } from '../theme';

type Point = { x: number; y: number; label: string };

const pointOf = (r: ComparisonRowView): Point => ({ x: r.trainableParams as number, y: 100 * r.accuracy.mean, label: r.configuration });

export function drawPareto(canvas: HTMLCanvasElement, rows: readonly ComparisonRowView[]): void {
  const placed = rows.filter((r) => r.trainableParams !== null && Number.isFinite(r.accuracy.mean));
  canvas.dataset.points = String(placed.length);
  if (placed.length === 0) {
    clearChart(canvas);
    return;
  }
  const colours = themeColours();
  const front = placed.filter((r) => r.pareto).map(pointOf).sort((a, b) => a.x - b.x);
  drawChart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        { label: 'configurations', data: placed.map(pointOf), backgroundColor: seriesColour(colours, 0), pointRadius: 5 },
        { label: 'Pareto front', data: front, borderColor: seriesColour(colours, 1), backgroundColor: seriesColour(colours, 1), showLine: true, pointRadius: 6 },
      ],
    },
    options: {
      ...baseOptions(),
      scales: {
        x: { type: 'linear', title: { display: true, text: 'trainable parameters' }, ticks: { callback: (v) => formatCount(Number(v)) } },
        y: { title: { display: true, text: 'average accuracy (%)' } },
      },
      plugins: {
        ...baseOptions().plugins,
        tooltip: { callbacks: { label: (item) => { const p = item.raw as Point; return `${p.label}: ${p.y.toFixed(1)}% at ${formatCount(p.x)} parameters`; } } },
      },
    },
  });
}
