import type { DemoResults } from '../results';
import { parseModuleName } from '../../model/config';
import { escapeHtml } from './escape';

/**
 * Sensitivity as an HTML table (chart.js has no heatmap): each task's row is scaled to its own
 * maximum, because the vote compares modules within a task, never across tasks.
 */
export function sensitivityHeatmap(results: DemoResults): string {
  const head = results.modules.map((m) => `<th title="${escapeHtml(m)}">${escapeHtml(compactName(m))}</th>`).join('');
  const rows = results.tasks.map((task) => {
    const values = results.modules.map((m) => results.sensitivity[task]?.[m] ?? 0);
    const max = Math.max(...values, Number.MIN_VALUE);
    const cells = values.map((s, i) => {
      const share = s / max;
      const light = Math.round(97 - 55 * share);
      const frequency = results.stability?.voteFrequency[task]?.[results.modules[i]];
      const confidence = frequency === undefined ? '' : `; the task votes for it in ${Math.round(100 * frequency)}% of resampled probes`;
      const marked = frequency !== undefined && frequency >= 0.5 ? `;outline:${frequency >= 0.9 ? 2 : 1}px solid #202124;outline-offset:-2px` : '';
      return `<td style="background:hsl(214,82%,${light}%);color:${share > 0.6 ? '#fff' : '#202124'}${marked}" title="${escapeHtml(results.modules[i])}: ${s.toExponential(3)}${confidence}">${share.toFixed(2).replace(/^0/, '')}</td>`;
    });
    return `<tr><th>${escapeHtml(task)}</th>${cells.join('')}</tr>`;
  });
  const confidence = results.stability
    ? ` Outlined: the task votes for the module in at least half of ${results.stability.replicates} bootstrap resamples of the probe (thick: 90 %). Probe stability: ${escapeHtml(results.stability.hint)}.`
    : '';
  const legend = `<p class="meta">Columns: layer and module (q, k, v, o; g = gate, u = up, d = down). Hover a cell for S<sub>t</sub>(W) and its vote confidence.${confidence}</p>`;
  return `${legend}<div class="scroll"><table class="heatmap"><thead><tr><th>task</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** `3q` for model.layers.3.self_attn.q_proj, `3g` for gate_proj: 28 columns must fit one screen. */
function compactName(module: string): string {
  const parsed = parseModuleName(module);
  return parsed ? `${parsed.layer}${parsed.type[0]}` : module;
}
