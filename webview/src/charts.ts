// chart.js with only the parts the dashboard draws; one chart per canvas, updated in place on every snapshot.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip, type ChartConfiguration } from 'chart.js';
import { themeColours } from './theme';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, ScatterController, Legend, Tooltip);

const charts = new Map<HTMLCanvasElement, Chart>();

/** Draws `config` on `canvas`, replacing whatever was there (types may change between snapshots). */
export function drawChart(canvas: HTMLCanvasElement, config: ChartConfiguration): void {
  const colours = themeColours();
  Chart.defaults.color = colours.foreground;
  Chart.defaults.borderColor = colours.grid;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  const existing = charts.get(canvas);
  if (existing && (existing.config as { type?: string }).type === config.type) {
    existing.data = config.data;
    existing.options = config.options ?? {};
    existing.update('none');
    return;
  }
  existing?.destroy();
  charts.set(canvas, new Chart(canvas, config));
}

export function clearChart(canvas: HTMLCanvasElement): void {
  charts.get(canvas)?.destroy();
  charts.delete(canvas);
}

/** Options shared by every chart: no animation (live data), theme grid, legend at the bottom. */
export function baseOptions(): NonNullable<ChartConfiguration['options']> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } }, tooltip: { enabled: true } },
  };
}
