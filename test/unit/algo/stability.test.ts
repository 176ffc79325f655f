// Probe stability: the bootstrap of stored per-example probe values against hand-derived probabilities.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { probeStability, stabilityCurve, stabilityHint, stabilityHintBeside, stabilityReport, type ProbeSamples } from '../../../src/core/algo';

const A = 'model.layers.0.self_attn.q_proj';
const B = 'model.layers.0.self_attn.k_proj';

/** One task, two candidates: example 0 favours A (3 vs 0), examples 1 and 2 favour B (0 vs 1). */
const SKEWED: ProbeSamples = { tasks: { t: { modules: [A, B], rows: [[3, 0], [0, 1], [0, 1]] } } };
const OPTIONS = { candidates: [A, B], percentile: 50, scope: 'pooled' as const };

describe('probeStability', () => {
  it('matches the binomial probability of the vote: A wins when example 0 is drawn at least once (19/27)', () => {
    // Full sample: S(A) = 3 > S(B) = 2, the median threshold lies between them, so the task votes for A only.
    // A resample with k copies of example 0 has S(A) = 3k, S(B) = 3 - k: A wins iff k >= 1, P = 1 - (2/3)^3.
    const s = probeStability(SKEWED, { ...OPTIONS, replicates: 4000 });
    assert.ok(Math.abs(s.voteFrequency.t[A] - 19 / 27) < 0.025, `A: ${s.voteFrequency.t[A]}`);
    assert.ok(Math.abs(s.voteFrequency.t[B] - 8 / 27) < 0.025, `B: ${s.voteFrequency.t[B]}`);
    assert.ok(Math.abs(s.overlap - 19 / 27) < 0.025, `overlap ${s.overlap}`);
    assert.equal(s.drawn, 3);
  });

  it('identical examples give a perfectly stable allocation', () => {
    const rows = Array.from({ length: 5 }, () => [2, 1, 0.5]);
    const s = probeStability({ tasks: { t: { modules: [A, B, 'model.layers.1.self_attn.q_proj'], rows } } }, { ...OPTIONS, candidates: [A, B, 'model.layers.1.self_attn.q_proj'], replicates: 50 });
    assert.equal(s.overlap, 1);
    assert.deepEqual(Object.values(s.voteFrequency.t), [1, 0, 0]);
  });

  it('is reproducible for a seed, and a simulated larger probe is more stable', () => {
    assert.deepEqual(probeStability(SKEWED, OPTIONS), probeStability(SKEWED, OPTIONS));
    // With 300 draws, k ~ Binomial(300, 1/3) exceeds 75 essentially always.
    assert.ok(probeStability(SKEWED, { ...OPTIONS, drawn: 300 }).overlap > 0.99);
    const curve = stabilityCurve(SKEWED, OPTIONS, [1, 100]);
    assert.deepEqual(curve.map((p) => p.samples), [3, 300]);
    assert.ok(curve[1].overlap > curve[0].overlap);
  });

  it('names the missing input', () => {
    assert.throws(() => probeStability({ tasks: {} }, OPTIONS), /per-example values of at least one task/);
  });
});

describe('stabilityHint', () => {
  it('says how stable the probe is and how many samples would reach the target', () => {
    const curve = [{ samples: 32, overlap: 0.912 }, { samples: 64, overlap: 0.963 }, { samples: 128, overlap: 0.99 }];
    assert.equal(stabilityHint(curve), '32 samples/task: 91 % of the allocation is stable; about 64 would reach 96 %');
    assert.equal(stabilityHint([{ samples: 8, overlap: 0.5 }, { samples: 16, overlap: 0.6 }, { samples: 32, overlap: 0.7 }]), '8 samples/task: 50 % of the allocation is stable; about 32 would reach 70 %');
    assert.equal(stabilityHint([{ samples: 64, overlap: 0.97 }, { samples: 128, overlap: 0.99 }]), '64 samples/task: 97 % of the allocation is stable');
  });

  it('stabilityReport carries the settings, the curve and the hint', () => {
    const report = stabilityReport(SKEWED, OPTIONS);
    assert.equal(report.curve.length, 4);
    assert.match(report.hint, /^3 samples\/task: \d+ % of the allocation is stable/);
    assert.equal(report.percentile, 50);
  });
});

describe('stabilityHintBeside', () => {
  it('reads the hint of the probe run that holds the sensitivity in use, and nothing without one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-stability-'));
    const sensitivity = path.join(dir, 'sensitivity.json');
    fs.writeFileSync(sensitivity, '{"tasks": {}}');
    assert.equal(stabilityHintBeside(sensitivity), undefined);
    fs.writeFileSync(path.join(dir, 'stability.json'), JSON.stringify(stabilityReport(SKEWED, OPTIONS)));
    assert.match(stabilityHintBeside(sensitivity) ?? '', /^3 samples\/task: \d+ % of the allocation is stable/);
    assert.equal(stabilityHintBeside(dir), stabilityHintBeside(sensitivity));
  });
});
