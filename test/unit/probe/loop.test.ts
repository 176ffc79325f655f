// The float32 probe as the job runs it (frozen weights as initializers): ghost == direct, batched == one at a
// time, the auto choice and its sessions, per-example clipping, progress and metrics per example.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paddedLength } from '../../../src/core/data';
import { MODULE_TYPES, randomModel, tinyConfig } from '../../../src/core/model';
import { frozenWeights } from '../../../src/core/model/decoder/weightSource';
import { decoderForward } from '../../../src/core/probe/graph';
import { batchesOf, probeTasks, type ProbeTaskInput } from '../../../src/core/probe/loop';
import { cheaperMethod, clipPerExample } from '../../../src/core/probe/norms';
import { ProbeRunner } from '../../../src/core/probe/runner';
import { methodsFor, targetsOf, type MethodChoice } from '../../../src/core/probe/targets';
import { cpuSession, example, recordingContext, relativeError } from './helpers';

const CONFIG = tinyConfig({ numKvHeads: 2 });
const MODEL = randomModel(CONFIG, 3);
const TARGETS = targetsOf(CONFIG, [...MODULE_TYPES]);
const TASK: ProbeTaskInput = { name: 'toy', examples: [6, 11, 4, 9, 15, 7, 2].map((length, i) => ({ index: i, example: example(20 + i, length, CONFIG.vocabSize, i % 3) })) };

const shapesOf = (batchSize: number) => batchesOf(TASK.examples, batchSize).map((b) => ({ examples: b.length, tokens: paddedLength(b.map((e) => e.example)) }));

function runner(method: MethodChoice, batchSize = 1): ProbeRunner {
  const methods = methodsFor(TARGETS, method, shapesOf(batchSize));
  return new ProbeRunner({ forward: decoderForward(CONFIG, (g) => frozenWeights(g, MODEL)), targets: TARGETS, methods, createSession: cpuSession });
}

async function probe(method: MethodChoice, batchSize: number, clip: number | null = null) {
  const r = runner(method, batchSize);
  const ctx = recordingContext();
  try {
    return { totals: await probeTasks([TASK], r, TARGETS, { clip, batchSize }, ctx), ctx };
  } finally {
    await r.dispose();
  }
}

/** Each example's unclipped squared norms, one run per example. */
async function perExample(): Promise<Float64Array[][]> {
  const r = runner('ghost');
  try {
    const out: Float64Array[][] = [];
    for (const { example: e } of TASK.examples) out.push(await r.norms([e]));
    return out;
  } finally {
    await r.dispose();
  }
}

describe('probe loop (float32)', () => {
  it('ghost and direct give the same sums; batched (3) equals one at a time', async () => {
    const ghost = await probe('ghost', 3);
    const direct = await probe('direct', 3);
    const single = await probe('ghost', 1);
    for (const t of TARGETS) {
      const g = ghost.totals.tasks.toy[t.name];
      assert.ok(g > 0, t.name);
      assert.ok(relativeError(g, direct.totals.tasks.toy[t.name]) < 1e-4, `${t.name}: ghost ${g} vs direct ${direct.totals.tasks.toy[t.name]}`);
      assert.ok(relativeError(g, single.totals.tasks.toy[t.name]) < 1e-4, `${t.name}: batched ${g} vs single ${single.totals.tasks.toy[t.name]}`);
    }
    assert.deepEqual(ghost.totals.examples, { toy: 7 });
    assert.equal(ghost.totals.partial, false);
  });

  it('auto gives each module the form with the lower total cost over the job\'s batches (ties: ghost)', async () => {
    assert.equal(cheaperMethod(4, 32, 32), 'ghost');
    assert.equal(cheaperMethod(40, 32, 32), 'direct');
    const byLength = (tokens: number, examples = 1) => methodsFor(TARGETS, 'auto', [{ examples, tokens }]);
    assert.ok(byLength(2).every((m) => m === 'ghost') && byLength(200).every((m) => m === 'direct'));
    // T = 12: k_proj (32 -> 16) costs T^2 * 48 > T * 512 (direct); q_proj (32 -> 32) and gate_proj (32 -> 48) stay ghost.
    const methodOf = (methods: string[], type: string) => methods[TARGETS.findIndex((t) => t.name.endsWith(type))];
    const mixed = byLength(12);
    assert.deepEqual([methodOf(mixed, 'k_proj'), methodOf(mixed, 'q_proj'), methodOf(mixed, 'gate_proj')], ['direct', 'ghost', 'ghost']);
    // q_proj: 3 examples at T = 8 (ghost saves 3 * 8 * (1024 - 512)) against 1 at T = 40 (direct saves 40 * (2560 - 1024)).
    const job = methodsFor(TARGETS, 'auto', [{ examples: 3, tokens: 8 }, { examples: 1, tokens: 40 }]);
    assert.equal(methodOf(job, 'q_proj'), 'direct');
    assert.equal(methodOf(methodsFor(TARGETS, 'ghost', [{ examples: 1, tokens: 400 }]), 'q_proj'), 'ghost');
    const auto = await probe('auto', 2);
    const ghost = await probe('ghost', 2);
    for (const t of TARGETS) assert.ok(relativeError(auto.totals.tasks.toy[t.name], ghost.totals.tasks.toy[t.name]) < 1e-4, t.name);
  });

  it('clipping scales each example by min(1, clip / ||g_e||) over all target matrices', async () => {
    const values = await perExample();
    const totals = values.map((modules) => modules.reduce((s, v) => s + v[0], 0));
    const clip = Math.sqrt([...totals].sort((a, b) => a - b)[3]);
    const clipped = await probe('ghost', 3, clip);
    TARGETS.forEach((t, m) => {
      const expected = values.reduce((s, modules, e) => s + modules[m][0] * Math.min(1, (clip * clip) / totals[e]), 0);
      assert.ok(relativeError(clipped.totals.tasks.toy[t.name], expected) < 1e-4, t.name);
    });
    const unclipped = await probe('ghost', 3);
    assert.ok(clipped.totals.tasks.toy[TARGETS[0].name] < unclipped.totals.tasks.toy[TARGETS[0].name]);
  });

  it('clipPerExample: off, under the cap, over the cap', () => {
    const perModule = [Float64Array.from([1, 9]), Float64Array.from([3, 7])];
    assert.equal(clipPerExample(perModule, null), perModule);
    const clipped = clipPerExample(perModule, 3);
    assert.deepEqual([...clipped[0]], [1, 9 * (9 / 16)]);
    assert.deepEqual([...clipped[1]], [3, 7 * (9 / 16)]);
  });

  it('reports progress and a probe-example metric per example, with the record index', async () => {
    const { ctx } = await probe('auto', 3);
    const metrics = ctx.metrics.filter((m) => m.type === 'probe-example');
    assert.deepEqual(metrics.map((m) => (m.type === 'probe-example' ? m.index : -1)).sort(), [0, 1, 2, 3, 4, 5, 6]);
    assert.ok(metrics.every((m) => m.type === 'probe-example' && m.task === 'toy' && m.seconds > 0));
    const last = ctx.progressEvents.at(-1)!;
    assert.deepEqual([last.phase, last.done, last.total], ['probe toy', 7, 7]);
  });

  it('a cancelled signal stops between batches with partial totals', async () => {
    const controller = new AbortController();
    const r = runner('ghost');
    const ctx = recordingContext(controller, (e) => { if (e.done === 2) controller.abort(); });
    const totals = await probeTasks([TASK, { ...TASK, name: 'other' }], r, TARGETS, { clip: null, batchSize: 2 }, ctx);
    await r.dispose();
    assert.equal(totals.partial, true);
    assert.deepEqual(totals.examples, { toy: 2 });
    assert.deepEqual(Object.keys(totals.tasks), ['toy']);
  });
});
