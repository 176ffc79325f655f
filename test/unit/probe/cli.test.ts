// `smoe probe` through a fresh esbuild bundle of the CLI: stories260K (llama2.c) with pre-tokenized data,
// a generated HF-format model with LLM-Adapters text data via --config, and clean usage errors.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot, sharedData, tempDir } from './helpers';
import { writeProbeWorkspace, writeTokenized } from './workspace';
import { cliBundle } from '../cliBundle';

const ROOT = projectRoot();
const STORIES = path.join(sharedData() ?? '', 'models', 'stories260K', 'stories260K.bin');
const SKIP_STORIES = sharedData() && fs.existsSync(STORIES) ? false : '../shared/data/models/stories260K/stories260K.bin is absent (a fresh clone has no ../shared): skipped';

const cli = () => cliBundle(ROOT);

function smoe(args: string[], cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env, HOME: tempDir('smoe-probe-home-'), NODE_PATH: path.join(ROOT, 'node_modules') };
  return spawnSync(process.execPath, [cli(), 'probe', ...args], { encoding: 'utf8', env, cwd });
}

function readJson(file: string): { tasks: Record<string, Record<string, number>>; meta: Record<string, unknown> } {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function assertCleanFailure(run: ReturnType<typeof smoe>, status: number, message: RegExp): void {
  assert.equal(run.status, status, run.stderr);
  assert.match(run.stderr, message);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
}

describe('smoe probe (bundled CLI)', () => {
  it('runs on stories260K.bin with pre-tokenized JSONL (ids < 512)', { skip: SKIP_STORIES }, () => {
    const dir = tempDir();
    const a = writeTokenized(path.join(dir, 'a.jsonl'), 7, 512, 100);
    const b = writeTokenized(path.join(dir, 'b.jsonl'), 4, 512, 200);
    const out = path.join(dir, 'out', 'sensitivity.json');
    const run = smoe(['--model', STORIES, '--task', `a=${a}`, '--task', `b=${b}`, '--samples', '5', '--modules', 'q_proj,v_proj,gate_proj', '--max-length', '32', '--device', 'cpu', '--out', out]);
    assert.equal(run.status, 0, run.stderr);
    const table = readJson(out);
    assert.deepEqual(Object.keys(table.tasks), ['a', 'b']);
    for (const values of Object.values(table.tasks)) {
      assert.equal(Object.keys(values).length, 15, '5 layers x 3 types');
      assert.ok(Object.values(values).every((v) => Number.isFinite(v) && v > 0));
    }
    assert.deepEqual(table.meta.examples, { a: 5, b: 4 });
    assert.equal(table.meta.format, 'llama2c');
    assert.match(run.stdout, /15 modules, 9 examples/);
    assert.match(run.stderr, /probe a .*5\/5/);
  });

  it('runs an experiment file (HF model, LLM-Adapters text) into a run folder and copies it to --out', () => {
    const ws = writeProbeWorkspace(tempDir());
    const out = path.join(ws.dir, 'copy.json');
    const run = smoe(['--config', ws.experimentFile, '--out', out, '--threads', '1']);
    assert.equal(run.status, 0, run.stderr);
    const runDir = /run: (.+)/.exec(run.stdout)?.[1] ?? '';
    assert.ok(fs.existsSync(path.join(runDir, 'run.json')), run.stdout);
    assert.deepEqual(readJson(out), readJson(path.join(runDir, 'sensitivity.json')));
    assert.deepEqual(Object.keys(readJson(out).tasks), ['text', 'tokens']);
  });

  it('--verbose prints where each graph ran; the run folder records it as a placement event', () => {
    const ws = writeProbeWorkspace(tempDir());
    const run = smoe(['--config', ws.experimentFile, '--device', 'cpu', '--threads', '1', '--verbose']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /graph \S+: all \d+ nodes ran on the CPU \(CPU session: no GPU provider in use\)/);
    const runDir = /run: (.+)/.exec(run.stdout)?.[1] ?? '';
    const events = fs.readFileSync(path.join(runDir, 'events.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const placements = events.filter((e) => e.event === 'metric' && e.type === 'placement');
    assert.ok(placements.length >= 1, 'one event per graph');
    for (const p of placements) {
      assert.equal(p.device, 'cpu');
      assert.equal(p.offDevice, 0);
      assert.ok(p.nodes > 0);
      assert.deepEqual(p.providers, { CPUExecutionProvider: p.nodes });
    }
    const quiet = smoe(['--config', ws.experimentFile, '--device', 'cpu', '--threads', '1']);
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.doesNotMatch(quiet.stderr, /nodes ran on/, 'CPU placement is printed only with --verbose');
  });

  it('runs without a config on the HF model with text data and an explicit --tokenizer', () => {
    const ws = writeProbeWorkspace(tempDir());
    const out = path.join(ws.dir, 's.json');
    const run = smoe(['--model', ws.modelDir, '--tokenizer', path.join(ws.modelDir, 'tokenizer.json'), '--task', `text=${ws.textFile}`, '--samples', '3', '--method', 'direct', '--clip', '0.5', '--out', out]);
    assert.equal(run.status, 0, run.stderr);
    const table = readJson(out);
    assert.equal(Object.keys(table.tasks.text).length, 14, 'all seven types by default, 2 layers');
    assert.equal(table.meta.clip, 0.5);
    assert.equal(table.meta.method, 'direct');
    const total = Object.values(table.tasks.text).reduce((s, v) => s + v, 0);
    assert.ok(total <= 3 * 0.25 * (1 + 1e-5), `clipped: each example's squared norm over all targets is at most 0.25 (sum ${total})`);
  });

  it('fails cleanly: usage errors exit 2, unreadable inputs exit 1, never a stack trace', () => {
    assertCleanFailure(smoe(['--model', 'm.bin', '--out', 'x.json']), 2, /give at least one --task NAME=FILE/);
    assertCleanFailure(smoe(['--model', 'm.bin', '--task', 'nofile', '--out', 'x.json']), 2, /--task "nofile" must be NAME=FILE/);
    assertCleanFailure(smoe(['--model', 'm.bin', '--task', 'a=a.jsonl', '--method', 'fast', '--out', 'x.json']), 2, /--method must be auto, ghost or direct/);
    assertCleanFailure(smoe(['--config', 'e.smoe.json', '--samples', '3']), 2, /--config takes its model, tasks and probe settings from the experiment file; drop --samples/);
    const dir = tempDir();
    assertCleanFailure(smoe(['--model', path.join(dir, 'missing.bin'), '--task', `a=${path.join(dir, 'a.jsonl')}`, '--out', path.join(dir, 'x.json')]), 1, /missing\.bin: does not exist/);
  });
});
