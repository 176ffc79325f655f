// End to end: `smoe demo --quick` through the CLI entry in a child process — interrupted with Ctrl-C
// (SIGINT) while the first adapter trains, resumed to completion (the training continues from its
// checkpoint), then run once more (everything skipped).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EXPERIMENT_FILES } from '../../../src/core/demo/experimentFiles';
import { STATE_FILE } from '../../../src/core/demo/state';
import { evaluatedRuns } from '../../../src/core/jobs/runResults';
import { configurationResults } from '../../../src/core/jobs/sweepSummary';
import { collectComparison, type ComparisonSource } from '../../../src/panel/collect/comparison';
import { listRuns, runsOfExperiment } from '../../../src/runs/runListing';

const CLI = path.resolve(__dirname, '../../../src/cli/main.js');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs the CLI; `interruptWhen` sends SIGINT the first time stderr matches it. */
function runCli(args: string[], env: NodeJS.ProcessEnv, interruptWhen?: RegExp): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (interruptWhen && !interrupted && interruptWhen.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 }));
  });
}

describe('smoe demo --quick, end to end', () => {
  it('stops cleanly on Ctrl-C, resumes, prints the table, writes the report and runs, and skips everything on a rerun', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-demo-e2e-'));
    const out = path.join(root, 'ws');
    const env = { ...process.env, HOME: root, XDG_CACHE_HOME: path.join(root, 'cache'), SMOE_CACHE_DIR: '' };
    const args = ['demo', '--quick', '--out', out, '--device', 'cpu'];

    // Non-TTY progress prints a line per tenth: stop once the first adapter is past its first checkpoint.
    const first = await runCli(args, env, /train \[vote, seed 7\]\s+\[[#.]+\] ([4-9]\d|1[01]\d)\/120/);
    assert.equal(first.code, 130, `interrupted run exits 130\n${first.stderr}`);
    assert.match(first.stderr, /Run the same command again to resume/);
    const afterStop = JSON.parse(fs.readFileSync(path.join(out, STATE_FILE), 'utf8'));
    for (const id of ['workspace', 'pretrain', 'probe', 'evaluate:base', 'allocate']) assert.ok(afterStop.phases[id], `${id} kept`);
    // Training is fast: the signal may land in the vote training or just after it, in the next one.
    const interrupted = Object.keys(afterStop.started).find((id) => id.startsWith('train:'));
    assert.ok(interrupted, `an interrupted training run is remembered: ${JSON.stringify(afterStop.started)}`);
    assert.equal(afterStop.phases[interrupted], undefined, 'the interrupted phase is not recorded as done');
    const interruptedRun = afterStop.started[interrupted];

    const second = await runCli(args, env);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /\[1\/\d+\] write workspace.*already done, skipped/);
    assert.match(second.stderr, /\[2\/\d+\] pre-train the base model.*already done, skipped/);
    assert.match(second.stderr, /resuming from .*checkpoint|no checkpoint in the run yet/);
    assert.match(second.stdout, /^model\s+trainable\s+experts\s+copy acc loss/m);
    for (const label of ['base model \\(no adapter\\)', 'plain LoRA', 'uniform experts', 'LoRA-SMoE \\(vote\\)']) {
      assert.match(second.stdout, new RegExp(`^${label}\\s+[\\d,]+`, 'm'), label);
    }
    assert.match(second.stdout, /probe: [\d.]+s \([\d.]+% of training\); training: [\d.]+s/);
    // --quick keeps one seed: no interval across seeds, but the paired differences over the test examples.
    assert.match(second.stdout, /one training seed \(7\): no interval across seeds/);
    assert.match(second.stdout, /accuracy: vote − uniform: [+−]\d+\.\d points \(95% CI [+−]\d+\.\d to [+−]\d+\.\d\): (no difference beyond noise|vote is (better|worse) beyond noise)/);
    assert.ok(fs.existsSync(path.join(out, afterStop.phases.probe.runDir, 'sensitivity-examples.json')), 'the probe kept its per-example values');

    const report = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    assert.match(report, /id="chart-accuracy"/);
    assert.match(report, /<table class="heatmap">/);
    const state = JSON.parse(fs.readFileSync(path.join(out, STATE_FILE), 'utf8'));
    assert.equal(state.phases[interrupted].runDir, interruptedRun, 'training resumed in its own run folder');
    for (const id of ['probe', 'evaluate:base', 'train:vote:7', 'train:uniform:7', 'train:lora:7', 'evaluate:vote:7', 'evaluate:uniform:7', 'evaluate:lora:7']) {
      const runDir = path.join(out, state.phases[id].runDir);
      assert.equal(JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')).status, 'succeeded', id);
    }
    // The three experiment files' evaluated runs make one table in the dashboard's comparison, paired on seed 7.
    const runs = listRuns(path.dirname(path.join(out, state.phases['train:vote:7'].runDir)));
    const sources: ComparisonSource[] = Object.values(EXPERIMENT_FILES).map((name) => ({ id: name, experiment: name, results: configurationResults(evaluatedRuns(runsOfExperiment(runs, path.join(out, name)))) }));
    const table = collectComparison(sources, undefined);
    assert.deepEqual(table?.rows.map((r) => [r.params.experiment, r.params.strategy, r.seeds]), [[EXPERIMENT_FILES.vote, 'vote', [7]], [EXPERIMENT_FILES.uniform, 'uniform', [7]], [EXPERIMENT_FILES.lora, 'plain LoRA', [7]]]);
    const uniformRow = table.rows[1].id;
    assert.ok(collectComparison(sources, uniformRow)?.rows[0].difference, 'vote − uniform on the same seed and test examples');
    const trainable = ['vote', 'uniform', 'lora'].map((v) => state.phases.allocate.data.allocations[v].trainableParams);
    const lora = trainable[2];
    assert.ok(trainable.every((n: number) => n <= lora && n > 0.8 * lora), `same budget: ${trainable}`);

    const third = await runCli(args, env);
    assert.equal(third.code, 0, third.stderr);
    assert.equal((third.stderr.match(/already done, skipped/g) ?? []).length, Object.keys(state.phases).length);
    console.log(`quick demo: ${(first.seconds + second.seconds).toFixed(1)} s (interrupted + resumed), rerun ${third.seconds.toFixed(1)} s`);
  });
});
