import type { DemoResults } from '../results';
import { shortModuleName } from './charts';
import { escapeHtml } from './escape';

/**
 * Sensitivity as an HTML table (chart.js has no heatmap): each task's row is scaled to its own
 * maximum, because the vote compares modules within a task, never across tasks.
 */
export function sensitivityHeatmap(results: DemoResults): string {
  const head = results.modules.map((m) => `<th title="${escapeHtml(m)}">${escapeHtml(shortModuleName(m))}</th>`).join('');
  const rows = results.tasks.map((task) => {
    const values = results.modules.map((m) => results.sensitivity[task]?.[m] ?? 0);
    const max = Math.max(...values, Number.MIN_VALUE);
    const cells = values.map((s, i) => {
      const share = s / max;
      const light = Math.round(97 - 55 * share);
      return `<td style="background:hsl(214,82%,${light}%);color:${share > 0.6 ? '#fff' : '#202124'}" title="${escapeHtml(results.modules[i])}: ${s.toExponential(3)}">${share.toFixed(2)}</td>`;
    });
    return `<tr><th>${escapeHtml(task)}</th>${cells.join('')}</tr>`;
  });
  return `<div class="scroll"><table class="heatmap"><thead><tr><th>task</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
