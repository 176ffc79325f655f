// The comparison section's collector: rows across sweeps and experiment files, only the differing parameters,
// paired differences against a baseline, the Pareto front and the CSV of the rows as shown.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigurationResult, ConfigurationResults } from '../../../src/core/jobs/sweepSummary';
import { meanInterval, type SeededExamples } from '../../../src/core/stats';
import { collectComparison, comparisonCsv, type ComparisonSource } from '../../../src/panel/collect/comparison';
import { sweepHeadline } from '../../../src/runs/sweepHeadline';

const TASKS = ['parity', 'bigger'];

/** Every example of every task correct with probability-free pattern `correct` (1/0 per example), per seed. */
function examples(seeds: number[], correct: number[], loss: number): SeededExamples[] {
  return seeds.map((seed) => ({ seed, perExample: Object.fromEntries(TASKS.map((t) => [t, { correct, loss: correct.map(() => loss) }])) }));
}

function configuration(key: string, strategy: ConfigurationResult['spec']['strategy'], accuracies: number[], params: number | undefined, percentile?: number): ConfigurationResult {
  const acc = meanInterval(accuracies);
  const loss = meanInterval(accuracies.map((a) => 1 - a));
  return {
    key, spec: { strategy, budget: { kind: 'experts', value: 10 }, ...(percentile === undefined ? {} : { percentile }) }, seeds: accuracies.map((_, i) => i + 1),
    trainableParams: params, accuracy: acc, loss, perTask: Object.fromEntries(TASKS.map((t) => [t, { accuracy: acc, loss }])),
  };
}

function results(configs: [ConfigurationResult, SeededExamples[]][]): ConfigurationResults {
  return { tasks: TASKS, configurations: configs.map(([c]) => c), examples: Object.fromEntries(configs.map(([c, e]) => [c.key, e])) };
}

function source(sweep: string, experiment: string, configs: [ConfigurationResult, SeededExamples[]][]): ComparisonSource {
  return { id: sweep, sweep, experiment, results: results(configs) };
}


const ALL = [1, 1, 1, 1];
const NONE = [0, 0, 0, 0];
const HALF = [1, 0, 1, 0];
const sources = () => [
  source('20260301-sweep', 'a.smoe.json', [
    [configuration('vote-p50-experts10', 'vote', [0.8, 0.9], 1000, 50), examples([1, 2], ALL, 0.5)],
    [configuration('uniform-experts10', 'uniform', [0.5, 0.4], 1000), examples([1, 2], HALF, 0.9)],
  ]),
  source('20260302-sweep', 'b.smoe.json', [
    [configuration('lora-experts10', 'lora', [0.6, 0.6], 2000), examples([1, 2], NONE, 1.2)],
    [configuration('uniform-experts10', 'uniform', [0.4, 0.3], 500), examples([7], HALF, 0.9)],
  ]),
];

describe('collectComparison', () => {
  it('rows from every sweep and file, with only the parameters that differ', () => {
    const view = collectComparison(sources(), undefined)!;
    assert.deepEqual(view.rows.map((r) => r.id), ['20260301-sweep/vote-p50-experts10', '20260301-sweep/uniform-experts10', '20260302-sweep/lora-experts10', '20260302-sweep/uniform-experts10']);
    assert.deepEqual(view.params, ['experiment', 'sweep', 'strategy', 'percentile'], 'budget is the same everywhere, so it is not a column');
    assert.equal(view.rows[2].params.strategy, 'plain LoRA');
    assert.equal(view.sweeps, 2);
    assert.equal(view.baseline, undefined);
    assert.ok(view.rows.every((r) => r.difference === undefined));
  });

  it('mean ± 95% t-interval cells', () => {
    const vote = collectComparison(sources(), undefined)!.rows[0];
    // mean 0.85, sd 0.0707, t(0.975, 1) = 12.706: half-width 0.635.
    assert.equal(vote.accuracy.text, '85.0±63.5%');
    assert.ok(Math.abs((vote.accuracy.low as number) - (0.85 - 0.6353)) < 1e-3);
    assert.equal(vote.tasks.parity.text, '85.0±63.5%');
  });

  it('the Pareto front: nothing else at least as accurate with at most as many parameters', () => {
    const view = collectComparison(sources(), undefined)!;
    assert.deepEqual(view.rows.filter((r) => r.pareto).map((r) => r.configuration), ['vote-p50-experts10', 'uniform-experts10']);
    assert.equal(view.rows.find((r) => r.id === '20260302-sweep/uniform-experts10')?.pareto, true, 'the smallest one is on the front');
    assert.equal(view.rows.find((r) => r.id === '20260301-sweep/uniform-experts10')?.pareto, false);
  });

  it('paired differences against the baseline on common seeds, across files; unpaired rows are named', () => {
    const view = collectComparison(sources(), '20260301-sweep/uniform-experts10')!;
    assert.equal(view.baseline, '20260301-sweep/uniform-experts10');
    const vote = view.rows[0].difference!;
    assert.ok(Math.abs(vote.accuracy.estimate - 0.5) < 1e-12);
    assert.equal(vote.accuracy.verdict, 'better');
    assert.equal(vote.loss.verdict, 'better', 'lower loss is better');
    assert.match(vote.accuracy.text, /^\+50\.0 \(/);
    assert.equal(view.rows[2].difference?.accuracy.verdict, 'worse', 'plain LoRA in the other file pairs on seeds 1 and 2');
    assert.equal(view.rows[1].difference, undefined, 'the baseline has no difference to itself');
    assert.equal(view.rows[3].difference, undefined);
    assert.match(view.baselineNote ?? '', /uniform-experts10: no seed in common/);
  });

  it('an unknown baseline is ignored, and no sweep gives no section', () => {
    assert.equal(collectComparison(sources(), 'gone/row')!.baseline, undefined);
    assert.equal(collectComparison([], undefined), undefined);
  });
});

describe('comparisonCsv', () => {
  it('the rows in the given order with the shown parameter columns and unrounded numbers', () => {
    const view = collectComparison(sources(), '20260301-sweep/uniform-experts10')!;
    const csv = comparisonCsv(view, ['20260302-sweep/lora-experts10', '20260301-sweep/vote-p50-experts10']).trim().split('\n');
    assert.equal(csv.length, 3);
    const header = csv[0].split(',');
    assert.deepEqual(header.slice(0, 7), ['configuration', 'experiment', 'sweep', 'strategy', 'percentile', 'seeds', 'trainable params']);
    assert.ok(header.includes('accuracy difference mean') && header.includes('parity accuracy high'));
    assert.ok(!header.includes('budget'));
    const lora = csv[1].split(',');
    assert.deepEqual(lora.slice(0, 7), ['lora-experts10', 'b.smoe.json', '20260302-sweep', 'plain LoRA', '—', '1 2', '2000']);
    assert.equal(Number(lora[header.indexOf('average accuracy mean')]), 0.6);
    assert.equal(csv[2].split(',')[0], 'vote-p50-experts10');
  });

  it('quotes fields with commas or quotes', () => {
    const view = collectComparison([source('s', 'x, "y".smoe.json', [[configuration('a', 'uniform', [0.5], 10), examples([1], HALF, 1)]]), source('t', 'z.smoe.json', [[configuration('a', 'uniform', [0.5], 10), examples([1], HALF, 1)]])], undefined)!;
    assert.match(comparisonCsv(view, ['s/a']), /\na,"x, ""y"".smoe.json",s,1,10,/);
  });
});

describe('sweepHeadline', () => {
  it('the first paired difference, else the best configuration, else says nothing finished', () => {
    const acc = meanInterval([0.5, 0.6]);
    const c = { key: 'uniform-experts10', spec: { strategy: 'uniform' as const, budget: { kind: 'none' as const } }, seeds: [1, 2], accuracy: acc, loss: acc, perTask: {} };
    assert.match(sweepHeadline({ tasks: [], configurations: [c, { ...c, key: 'lora', accuracy: meanInterval([0.1, 0.2]) }], differences: [] }), /^Best average accuracy: uniform-experts10 55\.0±\d+\.\d% \(of 2 configurations\)\.$/);
    const line = 'accuracy: vote − uniform: +2.5 points (95% CI −1.3 to +6.2): no difference beyond noise';
    assert.equal(sweepHeadline({ tasks: [], configurations: [c], differences: [{ a: 'vote', b: 'uniform', accuracy: {} as never, loss: {} as never, lines: [line] }] }), 'Accuracy vote − uniform: +2.5 points (95% CI −1.3 to +6.2): no difference beyond noise.');
    assert.match(sweepHeadline(undefined), /nothing to compare/);
  });
});
