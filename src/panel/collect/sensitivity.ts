// Sensitivity tables → heatmaps (layers × module types), per task and summed over tasks. Pure.
import { summedNormalisedScores, type SensitivityTable } from '../../core/algo';
import { MODULE_TYPES, parseModuleName } from '../../core/model/config';
import type { HeatmapView, SensitivityView } from '../../protocol/webview';

/** One heatmap of module values; modules that are not `model.layers.{i}.….{type}` are left out. */
export function collectHeatmap(title: string, values: ReadonlyMap<string, number> | Record<string, number>): HeatmapView {
  const entries = values instanceof Map ? [...values.entries()] : Object.entries(values);
  const parsed = entries.flatMap(([name, value]) => {
    const module = parseModuleName(name);
    return module ? [{ ...module, value }] : [];
  });
  const layers = [...new Set(parsed.map((p) => p.layer))].sort((a, b) => a - b);
  const types = MODULE_TYPES.filter((t) => parsed.some((p) => p.type === t));
  const grid: (number | null)[][] = layers.map(() => types.map(() => null));
  for (const p of parsed) grid[layers.indexOf(p.layer)][types.indexOf(p.type)] = p.value;
  return { title, layers, types: [...types], values: grid.map((row) => row.map((v) => (v !== null && Number.isFinite(v) ? v : null))) };
}

export function collectSensitivity(table: SensitivityTable, source: string): SensitivityView {
  const tasks = Object.entries(table.tasks).map(([task, values]) => collectHeatmap(task, values));
  const modules = [...new Set(Object.values(table.tasks).flatMap((values) => Object.keys(values)))].filter((m) => parseModuleName(m));
  const summed = collectHeatmap('summed (normalised per task)', summedNormalisedScores(table, modules));
  return { source, tasks, summed };
}
