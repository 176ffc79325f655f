import { parseModuleName } from '../../model/config';
import { averageAccuracy, type DemoResults, type VariantId } from '../results';

/** chart.js configurations as plain JSON (no callbacks), so they can be embedded in the page. */
export interface ChartSpec {
  id: string;
  title: string;
  config: Record<string, unknown>;
}

export const VARIANT_COLORS: Record<VariantId, string> = {
  base: '#9aa0a6',
  vote: '#1a73e8',
  uniform: '#e8710a',
  lora: '#188038',
};

const common = { animation: false, responsive: true, maintainAspectRatio: false };

/** Short module label for axes: `L0.q` for model.layers.0.self_attn.q_proj. */
export function shortModuleName(module: string): string {
  const parsed = parseModuleName(module);
  return parsed ? `L${parsed.layer}.${parsed.type.replace('_proj', '')}` : module;
}

function allocationChart(results: DemoResults): ChartSpec {
  const adapted = results.variants.filter((v) => v.experts);
  return {
    id: 'allocation',
    title: 'Experts per module',
    config: {
      type: 'bar',
      data: {
        labels: results.modules.map(shortModuleName),
        datasets: adapted.map((v) => ({ label: v.label, backgroundColor: VARIANT_COLORS[v.id], data: results.modules.map((m) => v.experts?.[m] ?? 0) })),
      },
      options: { ...common, scales: { y: { beginAtZero: true, title: { display: true, text: 'experts' } } } },
    },
  };
}

/** Mean loss over windows, so a few hundred noisy steps read as a curve (about 100 points per run). */
export function smoothCurve(curve: readonly { step: number; loss: number }[], points = 100): { x: number; y: number }[] {
  const window = Math.max(1, Math.ceil(curve.length / points));
  const out: { x: number; y: number }[] = [];
  for (let i = 0; i < curve.length; i += window) {
    const part = curve.slice(i, i + window);
    out.push({ x: part[part.length - 1].step, y: part.reduce((a, p) => a + p.loss, 0) / part.length });
  }
  return out;
}

function lossChart(results: DemoResults): ChartSpec {
  const trained = results.variants.filter((v) => v.lossCurve.length > 0);
  return {
    id: 'loss',
    title: 'Training loss (window means)',
    config: {
      type: 'line',
      data: {
        datasets: trained.map((v) => ({
          label: v.label, borderColor: VARIANT_COLORS[v.id], backgroundColor: VARIANT_COLORS[v.id],
          pointRadius: 0, borderWidth: 2, data: smoothCurve(v.lossCurve),
        })),
      },
      options: { ...common, parsing: true, scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { title: { display: true, text: 'loss' } } } },
    },
  };
}

function accuracyChart(results: DemoResults): ChartSpec {
  const labels = [...results.tasks, 'average'];
  return {
    id: 'accuracy',
    title: 'Test accuracy per task',
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: results.variants.map((v) => ({
          label: v.label, backgroundColor: VARIANT_COLORS[v.id],
          data: [...results.tasks.map((t) => 100 * (v.scores[t]?.accuracy ?? 0)), 100 * averageAccuracy(v, results.tasks)],
        })),
      },
      options: { ...common, scales: { y: { beginAtZero: true, max: 100, title: { display: true, text: 'accuracy (%)' } } } },
    },
  };
}

export function reportCharts(results: DemoResults): ChartSpec[] {
  return [allocationChart(results), lossChart(results), accuracyChart(results)];
}
