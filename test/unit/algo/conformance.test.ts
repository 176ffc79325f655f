// The authors' shared files (../shared/data/reference): the shipped map must come out exactly, through the
// library and through the bundled `smoe allocate`. Skipped, with the reason, where ../shared/data is absent.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { allocateExperts, compareModuleNames, readSensitivity } from '../../../src/core/algo';
import { ALL_TYPES, ATTENTION, sharedData } from './helpers';
import { cliBundle as freshCliBundle } from '../cliBundle';

const SHARED = sharedData();
const SKIP = SHARED ? false : '../shared/data is absent (a fresh clone): conformance against the authors\' files skipped';
const REF = SHARED ? path.join(SHARED, 'reference') : '';
const QWEN = path.join(REF, 'lora-smoe-qwen2.5-3b-sensitivity');
const SHIPPED = path.join(REF, 'lora-smoe-qwen2.5-3b-expert-num.json');

function projectRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; path.dirname(dir) !== dir; dir = path.dirname(dir)) if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error('no package.json above the tests or the working directory');
}

/** dist/cli.js when it is built and knows `allocate`, else a fresh esbuild bundle of src/cli/main.ts in a temp folder. */
function cliBundle(): string {
  const root = projectRoot();
  const dist = path.join(root, 'dist', 'cli.js');
  if (fs.existsSync(dist) && /\ballocate\b/.test(spawnSync(process.execPath, [dist, '--help'], { encoding: 'utf8' }).stdout)) return dist;
  return freshCliBundle(root);
}

function smoe(cli: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

describe('conformance with the authors\' Qwen2.5-3B files', { skip: SKIP }, () => {
  const shipped = () => JSON.parse(fs.readFileSync(SHIPPED, 'utf8')) as Record<string, number>;

  it('the library reproduces expert-num.json exactly (vote, p = 60, pooled, q/k/v/o): 113 modules, 688 experts', () => {
    const result = allocateExperts({ strategy: 'vote', table: readSensitivity(QWEN), percentile: 60, scope: 'pooled', moduleTypes: ATTENTION });
    assert.deepEqual(result.experts, shipped());
    assert.equal(Object.keys(result.experts).length, 113);
    assert.equal(result.summary.totalExperts, 688);
    assert.equal(result.candidates.length, 144);
  });

  it('`smoe allocate` (bundled CLI) writes the same map, in model order, with the summary on stderr or stdout', () => {
    const cli = cliBundle();
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-alloc-')), 'experts.json');
    const args = ['allocate', '--sensitivity', QWEN, '--strategy', 'vote', '--percentile', '60', '--scope', 'pooled', '--modules', 'q_proj,k_proj,v_proj,o_proj', '--out', out];
    const run = smoe(cli, args);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /688 experts on 113 of 144 candidate modules/);
    const written = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, number>;
    assert.deepEqual(written, shipped());
    assert.deepEqual(Object.keys(written), Object.keys(written).sort(compareModuleNames));
    const json = smoe(cli, [...args, '--summary-json']);
    assert.equal(json.status, 0, json.stderr);
    const summary = JSON.parse(json.stdout) as { totalExperts: number; modulesWithAdapters: number };
    assert.equal(summary.totalExperts, 688);
    assert.equal(summary.modulesWithAdapters, 113);
  });

  it('`smoe allocate` errors are clear and carry usage (2) or failure (1) exit codes', () => {
    const cli = cliBundle();
    const out = path.join(os.tmpdir(), 'smoe-never-written.json');
    const noModel = smoe(cli, ['allocate', '--sensitivity', QWEN, '--budget-lora-rank', '8', '--out', out]);
    assert.equal(noModel.status, 2);
    assert.match(noModel.stderr, /needs the model's shapes: add --model PATH/);
    const missing = smoe(cli, ['allocate', '--sensitivity', path.join(REF, 'nope'), '--out', out]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope does not exist/);
    assert.equal(smoe(cli, ['allocate', '--sensitivity', QWEN, '--budget-experts', '5', '--budget-params', '9', '--out', out]).status, 2);
    assert.equal(smoe(cli, ['allocate', '--sensitivity', QWEN]).status, 2, '--out is required');
  });
});

describe('`smoe allocate --model` on the shared llama2.c model (stories260K: 5 layers, d 64, MLP 172, 4 KV heads)', { skip: SKIP }, () => {
  it('a plain-LoRA-rank budget counts parameters from the model\'s shapes', () => {
    const model = path.join(SHARED ?? '', 'models', 'stories260K', 'stories260K.bin');
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-alloc-')), 'experts.json');
    const run = smoe(cliBundle(), ['allocate', '--strategy', 'uniform', '--model', model, '--modules', 'q_proj,k_proj,v_proj,o_proj', '--budget-lora-rank', '16', '--summary-json', '--out', out]);
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { trainableParams: number; loraRankEquivalent: number; candidates: number };
    // q,o: 64 -> 64; k,v: 64 -> 32 (4 KV heads of 8). Plain LoRA rank 16 on 5 layers: 16 * 5 * (128 + 96 + 96 + 128).
    assert.equal(summary.candidates, 20);
    assert.ok(summary.trainableParams <= 16 * 5 * 448);
    assert.ok(summary.loraRankEquivalent > 15 && summary.loraRankEquivalent <= 16, `${summary.loraRankEquivalent}`);
    assert.ok(Object.values(JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, number>).every((n) => n >= 1));
  });
});

describe('per-type thresholds on the authors\' "7b" files (all seven module types)', { skip: SKIP }, () => {
  // The folder holds 36 layers for seven tasks and 28 for boolq. Expected values from numpy 2.4.6: per task and type,
  // count the modules with S > np.percentile(S of that type, 40), summed over tasks (test/reference/vote_tables.py).
  const PER_LAYER = [16, 18, 11, 31, 12, 30, 30, 27, 27, 27, 35, 34, 46, 30, 36, 43, 45, 31, 47, 32, 46, 26, 41, 46, 40, 45, 40, 31, 38, 34, 17, 33, 36, 23, 26, 18];
  const HISTOGRAM = { 1: 14, 2: 21, 3: 27, 4: 22, 5: 31, 6: 49, 7: 46, 8: 19 };

  it('every task votes for 60% of each type (21 of 36, boolq 17 of 28): 164 per type, 1148 on 229 modules', () => {
    const table = readSensitivity(path.join(REF, 'lora-smoe-7b-sensitivity'));
    const result = allocateExperts({ strategy: 'vote', table, percentile: 60, scope: 'per-type', moduleTypes: ALL_TYPES });
    assert.equal(result.candidates.length, 252);
    assert.deepEqual(result.summary.perType.map((t) => [t.type, t.experts]), ALL_TYPES.map((t) => [t, 164]));
    assert.equal(result.summary.totalExperts, 1148);
    assert.equal(result.summary.modulesWithAdapters, 229);
    assert.deepEqual(result.summary.perLayer.map((l) => l.experts), PER_LAYER);
    const histogram: Record<number, number> = {};
    for (const n of Object.values(result.experts)) histogram[n] = (histogram[n] ?? 0) + 1;
    assert.deepEqual(histogram, HISTOGRAM);
  });

  it('budgeted vote over all seven types spends the budget exactly (its latency target is in test/bench/allocate.ts)', () => {
    const table = readSensitivity(path.join(REF, 'lora-smoe-7b-sensitivity'));
    const result = allocateExperts({ strategy: 'vote', table, scope: 'per-type', moduleTypes: ALL_TYPES, budget: { kind: 'experts', value: 500 } });
    assert.equal(result.summary.totalExperts, 500);
  });
});
