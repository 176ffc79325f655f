import { formatMeanInterval } from '../stats';
import { AVERAGE, averageAccuracy, type DemoResults, type VariantResult } from './results';

/** Aligned columns: the first left-aligned, the rest right-aligned (numbers). */
export function alignTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const percent = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : `${(100 * x).toFixed(1)}%`);
const fixed = (x: number | undefined, digits: number) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));

/** "acc loss" of one task, or of the average; with seeds, the accuracy as mean±half-width of its 95% interval. */
function scoreCell(v: VariantResult, key: string, accuracy: number | undefined, loss: number | undefined, lossInterval: boolean): string {
  const interval = v.intervals?.[key];
  if (!interval) return accuracy === undefined ? '-' : `${percent(accuracy)} ${fixed(loss, 2)}`;
  return `${formatMeanInterval(interval.accuracy)} ${lossInterval ? formatMeanInterval(interval.loss, 2, 1, '') : fixed(interval.loss.mean, 2)}`;
}

function variantRow(v: VariantResult, tasks: readonly string[]): string[] {
  const perTask = tasks.map((t) => scoreCell(v, t, v.scores[t]?.accuracy, v.scores[t]?.loss, false));
  const losses = tasks.map((t) => v.scores[t]?.loss).filter((l): l is number => typeof l === 'number');
  const meanLoss = losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : undefined;
  return [
    v.label,
    v.trainableParams ? v.trainableParams.toLocaleString('en-US') : '0',
    v.id === 'base' ? '-' : String(v.totalExperts),
    ...perTask,
    scoreCell(v, AVERAGE, averageAccuracy(v, tasks), meanLoss, true),
    v.trainSeconds === undefined ? '-' : `${fixed(v.trainSeconds, 1)}s`,
    v.tokensPerSecond === undefined ? '-' : fixed(v.tokensPerSecond, 0),
  ];
}

/** The results table: one row per model, per-task "accuracy loss" cells, then the timings. */
export function formatResultsTable(results: DemoResults): string {
  const header = ['model', 'trainable', 'experts', ...results.tasks.map((t) => `${t} acc loss`), 'average', 'train', 'tok/s'];
  const table = alignTable(header, results.variants.map((v) => variantRow(v, results.tasks)));
  const comparisons = formatComparisons(results);
  return `${table}\n\n${comparisons ? `${comparisons}\n\n` : ''}${formatTimings(results)}`;
}

const NAMES: Record<string, string> = { uniform: 'uniform experts', lora: 'plain LoRA' };

/** One sentence per baseline: does the vote beat it in accuracy beyond noise? */
export function comparisonHeadlines(results: DemoResults): string[] {
  return (results.comparisons ?? []).map((c) => {
    const d = c.accuracy;
    const answer = d.excludesZero ? (d.estimate > 0 ? 'yes' : 'no — it is worse beyond noise') : 'no — the difference is within noise';
    return `Does the vote beat ${NAMES[c.b] ?? c.b} beyond noise? ${answer} (${(100 * d.estimate).toFixed(1)} points, 95% CI ${(100 * d.low).toFixed(1)} to ${(100 * d.high).toFixed(1)}).`;
  });
}

/** What the intervals are over, and each paired comparison in plain words. */
export function formatComparisons(results: DemoResults): string {
  const vote = results.variants.find((v) => v.id === 'vote');
  const seeds = vote?.seeds?.map((s) => s.seed) ?? [];
  if (seeds.length === 0) return '';
  const examples = results.comparisons?.[0]?.accuracy.examples.reduce((a, b) => a + b, 0);
  const lines = [
    seeds.length > 1
      ? `mean±95% CI (t-interval) over training seeds ${seeds.join(', ')}; paired differences: 95% paired-bootstrap CI over the same seeds${examples ? ` and ${examples} test examples` : ''}:`
      : `one training seed (${seeds[0]}): no interval across seeds; paired differences resample the ${examples ?? 'same'} test examples only:`,
    ...(results.comparisons ?? []).flatMap((c) => c.lines.map((line) => `  ${line}`)),
  ];
  return lines.join('\n');
}

export function formatTimings(results: DemoResults): string {
  const trained = results.variants.filter((v) => v.trainSeconds !== undefined);
  const runs = results.variants.reduce((a, v) => a + (v.seeds?.length ?? 0), 0);
  const trainTotal = trained.reduce((a, v) => a + (v.trainSeconds ?? 0), 0);
  const perVariant = trained.map((v) => `${v.id} ${fixed(v.trainSeconds, 1)}s`).join(', ');
  const { pretrainSeconds, pretrainCached, probeSeconds, totalSeconds } = results.timings;
  const ratio = trainTotal > 0 ? ` (${(100 * probeSeconds / trainTotal).toFixed(1)}% of training)` : '';
  return [
    `probe: ${fixed(probeSeconds, 1)}s${ratio}; training: ${fixed(trainTotal, 1)}s${runs > trained.length ? ` over ${runs} runs` : ''} (${perVariant})`,
    `base model pre-training: ${fixed(pretrainSeconds, 1)}s${pretrainCached ? ' (cached, measured when it was built)' : ''}; whole demo: ${fixed(totalSeconds, 1)}s`,
    ...(results.stability ? [`probe stability (bootstrap of the probed examples): ${results.stability.hint}`] : []),
  ].join('\n');
}
