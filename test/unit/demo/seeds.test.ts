// The demo across seeds: intervals per task and on average, paired comparisons, and how the table and
// report.html say whether the vote beats the baselines beyond noise.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderReportHtml } from '../../../src/core/demo/report/html';
import type { DemoResults, SeedResult } from '../../../src/core/demo/results';
import { pairedComparison, scoreIntervals } from '../../../src/core/demo/seeds';
import { comparisonHeadlines, formatResultsTable } from '../../../src/core/demo/table';
import { meanInterval } from '../../../src/core/stats';
import { DEMO_RESULTS_FIXTURE } from '../../fixtures/demo/results';

const TASKS = ['copy', 'reverse'];
const seed = (s: number, copy: number, reverse: number): SeedResult => ({ seed: s, scores: { copy: { accuracy: copy, loss: 1 - copy, examples: 4 }, reverse: { accuracy: reverse, loss: 2 - reverse, examples: 4 } } });
const SEEDS = [seed(7, 0.5, 0.25), seed(8, 0.75, 0.25), seed(9, 0.5, 0.5)];

/** Vote right on every example of every seed, uniform on half: a gain far beyond noise. */
const perExample = (correct: number[]) => ({ copy: { correct, loss: correct.map((c) => 1 - c / 2) }, reverse: { correct, loss: correct.map((c) => 1 - c / 2) } });
const RUNS = {
  vote: [7, 8, 9].map((s) => ({ seed: s, perExample: perExample([1, 1, 1, 1, 1, 1, 1, 1]) })),
  uniform: [7, 8, 9].map((s) => ({ seed: s, perExample: perExample([1, 0, 1, 0, 1, 0, 1, 0]) })),
  lora: [7, 8, 9].map((s) => ({ seed: s, perExample: perExample([1, 1, 1, 1, 1, 1, 1, s === 7 ? 1 : 0]) })),
};

describe('demo seeds', () => {
  it('intervals per task and for the per-seed average over tasks', () => {
    const intervals = scoreIntervals(SEEDS, TASKS);
    assert.deepEqual(intervals.copy.accuracy, meanInterval([0.5, 0.75, 0.5]));
    assert.deepEqual(intervals.average.accuracy, meanInterval([0.375, 0.5, 0.5]));
    assert.deepEqual(intervals.average.loss, meanInterval([1.125, 1, 1]));
  });

  it('paired comparisons say better beyond noise, or within noise', () => {
    const vsUniform = pairedComparison('vote', 'uniform', RUNS, TASKS);
    assert.ok(vsUniform?.accuracy.excludesZero);
    assert.match(vsUniform.lines[0], /^accuracy: vote − uniform: \+50\.0 points \(95% CI \+\d+\.\d to \+\d+\.\d\): vote is better beyond noise$/);
    assert.match(vsUniform.lines[1], /^held-out loss: vote − uniform: −0\.250 .*: vote is better beyond noise$/);
    const vsLora = pairedComparison('vote', 'lora', RUNS, TASKS);
    assert.match(vsLora?.lines[0] ?? '', /no difference beyond noise$/);
    assert.equal(pairedComparison('vote', 'base', RUNS, TASKS), undefined, 'no common seeds');
  });

  it('the table shows mean±CI cells and the report answers the question plainly', () => {
    const results: DemoResults = {
      ...DEMO_RESULTS_FIXTURE,
      variants: DEMO_RESULTS_FIXTURE.variants.map((v) => (v.id === 'base' ? v : { ...v, seeds: SEEDS, intervals: scoreIntervals(SEEDS, DEMO_RESULTS_FIXTURE.tasks.slice(0, 2)) })),
      tasks: TASKS,
      comparisons: [pairedComparison('vote', 'uniform', RUNS, TASKS)!, pairedComparison('vote', 'lora', RUNS, TASKS)!],
    };
    const table = formatResultsTable(results);
    assert.match(table, /LoRA-SMoE \(vote\)\s+44,992\s+70\s+58\.3±35\.9% 0\.42\s+33\.3±35\.9% 1\.67\s+45\.8±17\.9% 1\.04±0\.18/);
    assert.match(table, /mean±95% CI \(t-interval\) over training seeds 7, 8, 9; paired differences: 95% paired-bootstrap CI over the same seeds and 16 test examples:/);
    assert.deepEqual(comparisonHeadlines(results).map((h) => h.split('?')[1].trim().split(' ')[0]), ['yes', 'no']);
    const html = renderReportHtml(results, undefined);
    assert.match(html, /<h2>Beyond noise\?<\/h2>/);
    assert.match(html, /Does the vote beat uniform experts beyond noise\? yes/);
    assert.match(html, /Does the vote beat plain LoRA beyond noise\? no — the difference is within noise/);
    assert.match(html, /<span class="ci">58\.3±35\.9%<\/span>/);
  });

  it('the heatmap shows each cell\'s vote confidence and the stability hint', () => {
    const module = DEMO_RESULTS_FIXTURE.modules[0];
    const hint = '16 samples/task: 88 % of the allocation is stable; about 64 would reach 95 %';
    const stability = { voteFrequency: { copy: { [module]: 0.87 } }, hint, replicates: 200, curve: [] };
    const html = renderReportHtml({ ...DEMO_RESULTS_FIXTURE, stability }, undefined);
    assert.ok(html.includes(`${module}: `) && html.includes('the task votes for it in 87% of resampled probes'));
    assert.ok(html.includes(`Probe stability: ${hint}.`));
    assert.match(formatResultsTable({ ...DEMO_RESULTS_FIXTURE, stability }), /probe stability \(bootstrap of the probed examples\): 16 samples\/task: 88 %/);
  });
});
