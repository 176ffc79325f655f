// `smoe sweep` end to end on the tiny workspace: a 2×2 sweep killed (SIGKILL) during its second run resumes
// without repeating the finished one; cancel one / cancel all; problems and confirmation before anything runs.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readRunRecord } from '../../../src/core/runFolder/runFolder';
import { cancelEntries, createQueue, nextEntry, readQueue } from '../../../src/core/jobs/sweepQueue';
import { writeTinyWorkspace } from './tinyWorkspace';

const CLI = path.resolve(__dirname, '../../../src/cli/main.js');

function runCli(args: string[], killWhen?: RegExp): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, HOME: os.tmpdir() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (killWhen?.test(stderr) && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const SWEEP = { seeds: [1, 2], strategies: ['uniform', 'lora'], budgets: [{ kind: 'loraRank', value: 2 }], maxRuns: 4 };
const TRAINING = { maxSteps: 8, microBatchSize: 4, learningRate: 0.05, warmupSteps: 1, checkpointEvery: 2, maxLength: 96, seed: 3 };

function trainRuns(runsRoot: string): string[] {
  return fs.readdirSync(runsRoot).filter((id) => readRunRecord(path.join(runsRoot, id))?.kind === 'train');
}

describe('smoe sweep', () => {
  it('a killed sweep resumes without repeating finished runs and prints mean ± CI per configuration', async () => {
    const ws = writeTinyWorkspace({ sweep: SWEEP, training: TRAINING, evaluation: { maxNewTokens: 4, batchSize: 8, limit: 4 } });
    const first = await runCli(['sweep', '--config', ws.experimentFile], /run 2 of 4: uniform-loraRank2-s2[\s\S]*train \[uniform-loraRank2-s2\]/);
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    const runsRoot = path.join(ws.dir, '.smoe', 'runs');
    const sweepDir = path.join(runsRoot, fs.readdirSync(runsRoot).find((id) => id.endsWith('-sweep')) as string);
    const killed = readQueue(sweepDir);
    assert.equal(killed.entries[0].status, 'done');
    assert.equal(killed.entries[1].status, 'running', 'the interrupted run is left running, to resume');
    const finishedTrain = killed.entries[0].trainRun;

    const second = await runCli(['sweep', '--config', ws.experimentFile, '--resume', sweepDir]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /run 2 of 4: uniform-loraRank2-s2 \(resumed\)/);
    assert.doesNotMatch(second.stderr, /run 1 of 4/);
    const queue = readQueue(sweepDir);
    assert.deepEqual(queue.entries.map((e) => e.status), ['done', 'done', 'done', 'done']);
    assert.equal(queue.entries[0].trainRun, finishedTrain);
    assert.equal(trainRuns(runsRoot).length, 4, 'one training run per sweep run: none repeated');
    assert.equal(queue.entries[1].trainRun, killed.entries[1].trainRun ?? queue.entries[1].trainRun, 'the killed training was resumed in its own folder');
    assert.match(second.stdout, /^configuration\s+trainable\s+seeds\s+parity acc\s+bigger acc\s+average acc\s+average loss/m);
    assert.match(second.stdout, /^uniform-loraRank2\s+[\d,]+\s+1,2\s+\d+\.\d±\d+\.\d%/m);
    assert.match(second.stdout, /^lora-loraRank2\s+[\d,]+\s+1,2\s+/m);
    const plain = JSON.parse(fs.readFileSync(queue.entries[2].experimentFile as string, 'utf8'));
    assert.equal(plain.adapter.rank, 2, 'plain LoRA gets the budget\'s rank');
    assert.equal(plain.training.seed, 1);
    assert.ok(Object.values(plain.experts).every((n) => n === 1));
  });

  it('reports a budget below a strategy\'s minimum and asks before more than maxRuns runs, before anything runs', async () => {
    const small = writeTinyWorkspace({ sweep: { ...SWEEP, budgets: [{ kind: 'experts', value: 3 }] }, budget: { minExperts: 1 }, training: TRAINING });
    const bad = await runCli(['sweep', '--config', small.experimentFile]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /tiny\.smoe\.json: the sweep cannot start:\n {2}sweep\.budgets: uniform at experts 3: the budget \(3\) is below what minExperts 1/);
    assert.match(bad.stderr, /sweep\.budgets: lora at experts 3: plain LoRA needs one expert on each of the 10 target modules/);
    const many = writeTinyWorkspace({ sweep: { ...SWEEP, maxRuns: 2 }, training: TRAINING });
    const refused = await runCli(['sweep', '--config', many.experimentFile]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /the sweep makes 4 runs, more than sweep\.maxRuns \(2\); add --yes/);
    for (const ws of [small, many]) assert.equal(fs.existsSync(path.join(ws.dir, '.smoe')), false, 'no run folder');
  });

  it('cancel one skips that run; cancel all stops the queue', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-queue-'));
    const spec = (id: string) => ({ id, strategy: 'uniform' as const, budget: { kind: 'none' as const }, seed: 1 });
    createQueue(dir, 'x.smoe.json', [spec('a'), spec('b'), spec('c')]);
    assert.deepEqual(cancelEntries(dir, 'a'), ['a']);
    assert.equal(nextEntry(readQueue(dir))?.spec.id, 'b');
    assert.throws(() => cancelEntries(dir, 'zz'), /no run "zz" in .*queue\.json; its runs: a, b, c/);
    assert.deepEqual(cancelEntries(dir), ['b', 'c']);
    assert.equal(nextEntry(readQueue(dir)), undefined);
    assert.equal(readQueue(dir).stopRequested, true);
  });
});
