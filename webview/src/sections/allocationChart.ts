// An allocation as a stacked bar chart (experts per layer by module type) and its totals line.
import type { AllocationView } from '../../../src/protocol/webview';
import { baseOptions, drawChart } from '../charts';
import { formatCount } from '../dom';
import { seriesColour, themeColours } from '../theme';

export function drawAllocation(canvas: HTMLCanvasElement, view: AllocationView): void {
  const colours = themeColours();
  drawChart(canvas, {
    type: 'bar',
    data: {
      labels: view.layers.map((l) => `layer ${l}`),
      datasets: view.types.map((type, i) => ({ label: type, data: view.experts[i], backgroundColor: seriesColour(colours, i), stack: 'experts' })),
    },
    options: {
      ...baseOptions(),
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'experts' } } },
    },
  });
}

/** "24 experts on 14 modules · 18,432 trainable parameters (≈ plain LoRA rank 3.2; plain LoRA rank 8: 46,080)". */
export function allocationTotals(view: AllocationView): string {
  const parts = [`${view.totalExperts} experts on ${view.modulesWithAdapters} modules`];
  if (view.trainableParameters !== undefined) {
    const rank = view.loraRankEquivalent !== undefined ? `≈ plain LoRA rank ${view.loraRankEquivalent.toFixed(1)}` : '';
    const plain = view.plainLoraParameters !== undefined ? `plain LoRA rank ${view.rank}: ${formatCount(view.plainLoraParameters)}` : '';
    parts.push(`${formatCount(view.trainableParameters)} trainable parameters${rank || plain ? ` (${[rank, plain].filter(Boolean).join('; ')})` : ''}`);
  }
  return parts.join(' · ');
}
