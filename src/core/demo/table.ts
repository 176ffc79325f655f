import { averageAccuracy, type DemoResults, type VariantResult } from './results';

/** Aligned columns: the first left-aligned, the rest right-aligned (numbers). */
export function alignTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const percent = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : `${(100 * x).toFixed(1)}%`);
const fixed = (x: number | undefined, digits: number) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));

function variantRow(v: VariantResult, tasks: readonly string[]): string[] {
  const perTask = tasks.map((t) => (v.scores[t] ? `${percent(v.scores[t].accuracy)} ${fixed(v.scores[t].loss, 2)}` : '-'));
  const losses = tasks.map((t) => v.scores[t]?.loss).filter((l): l is number => typeof l === 'number');
  const meanLoss = losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : undefined;
  return [
    v.label,
    v.trainableParams ? v.trainableParams.toLocaleString('en-US') : '0',
    v.id === 'base' ? '-' : String(v.totalExperts),
    ...perTask,
    `${percent(averageAccuracy(v, tasks))} ${fixed(meanLoss, 2)}`,
    v.trainSeconds === undefined ? '-' : `${fixed(v.trainSeconds, 1)}s`,
    v.tokensPerSecond === undefined ? '-' : fixed(v.tokensPerSecond, 0),
  ];
}

/** The results table: one row per model, per-task "accuracy loss" cells, then the timings. */
export function formatResultsTable(results: DemoResults): string {
  const header = ['model', 'trainable', 'experts', ...results.tasks.map((t) => `${t} acc loss`), 'average', 'train', 'tok/s'];
  const table = alignTable(header, results.variants.map((v) => variantRow(v, results.tasks)));
  return `${table}\n\n${formatTimings(results)}`;
}

export function formatTimings(results: DemoResults): string {
  const trained = results.variants.filter((v) => v.trainSeconds !== undefined);
  const trainTotal = trained.reduce((a, v) => a + (v.trainSeconds ?? 0), 0);
  const perVariant = trained.map((v) => `${v.id} ${fixed(v.trainSeconds, 1)}s`).join(', ');
  const { pretrainSeconds, pretrainCached, probeSeconds, totalSeconds } = results.timings;
  const ratio = trainTotal > 0 ? ` (${(100 * probeSeconds / trainTotal).toFixed(1)}% of training)` : '';
  return [
    `probe: ${fixed(probeSeconds, 1)}s${ratio}; training: ${fixed(trainTotal, 1)}s (${perVariant})`,
    `base model pre-training: ${fixed(pretrainSeconds, 1)}s${pretrainCached ? ' (cached, measured when it was built)' : ''}; whole demo: ${fixed(totalSeconds, 1)}s`,
  ].join('\n');
}
