// `smoe train` in a child process (the esbuild bundle of the CLI), killed with SIGKILL after its first
// checkpoint, then `--resume`d: it finishes from that checkpoint and every file in the run reads back.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readRunEvents, readRunRecord } from '../../../src/core/runFolder/runFolder';
import { readAdapterFiles } from '../../../src/core/model/adapters/files';
import { listCheckpoints, readCheckpoint } from '../../../src/core/train/checkpoint';
import { writeTinyWorkspace } from './tinyWorkspace';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const sourceRoot = fs.existsSync(path.join(repoRoot, 'src', 'cli', 'main.ts')) ? repoRoot : process.cwd();

// The options of build.mjs's CLI bundle, including its alias: jsonc-parser's "main" is a UMD build whose dynamic
// requires esbuild cannot follow, so the bundle takes its ESM build.
function bundleCli(outDir: string): string {
  const outfile = path.join(outDir, 'cli.js');
  const script = `require('esbuild').buildSync({ entryPoints: ['src/cli/main.ts'], outfile: ${JSON.stringify(outfile)}, bundle: true, platform: 'node', target: 'node20', format: 'cjs', alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' }, external: ['vscode', 'onnxruntime-node'], loader: { '.proto': 'text', '.py': 'text' }, logLevel: 'error' })`;
  const result = spawnSync(process.execPath, ['-e', script], { cwd: sourceRoot, encoding: 'utf8' });
  assert.equal(result.status, 0, `esbuild failed: ${result.stderr}`);
  return outfile;
}

function childEnv(home: string): NodeJS.ProcessEnv {
  return { ...process.env, HOME: home, NODE_PATH: path.join(sourceRoot, 'node_modules') };
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a training run killed with SIGKILL resumes from its last checkpoint with no corrupted files', async () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-kill-'));
  const cli = bundleCli(temp);
  const ws = writeTinyWorkspace({ training: { maxSteps: 400, microBatchSize: 4, learningRate: 0.01, warmupSteps: 3, checkpointEvery: 5, maxLength: 96, seed: 3 } });
  const runsRoot = path.join(ws.dir, '.smoe', 'runs');
  const child = spawn(process.execPath, [cli, 'train', '--config', ws.experimentFile], { env: childEnv(temp), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += String(d); });
  const runDir = () => (fs.existsSync(runsRoot) ? fs.readdirSync(runsRoot).map((id) => path.join(runsRoot, id))[0] : undefined);
  await waitFor(() => { const dir = runDir(); return dir !== undefined && listCheckpoints(dir).length >= 2; }, 180_000).catch((e) => { throw new Error(`${e.message}: ${stderr}`); });
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('exit', resolve));
  const dir = runDir() as string;
  // The CLI runs the job in a child process (allocator setting), which follows its killed parent within moments.
  await waitFor(() => readRunRecord(dir)?.status === 'failed', 5_000).catch(() => undefined);
  assert.equal(readRunRecord(dir)?.status, 'failed', 'a killed run reads as failed');
  const kept = listCheckpoints(dir).at(-1)!;
  assert.ok(kept.step >= 10 && kept.step < 400, `killed mid-training (last checkpoint step ${kept.step})`);
  for (const c of listCheckpoints(dir)) readCheckpoint(c.dir);

  const resumed = spawnSync(process.execPath, [cli, 'train', '--config', ws.experimentFile, '--resume', dir, '--max-steps', String(kept.step + 10)], { env: childEnv(temp), encoding: 'utf8' });
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`resuming from .*step-${kept.step}`));
  assert.match(resumed.stdout, /steps\s+\d+/);
  assert.equal(readRunRecord(dir)?.status, 'succeeded');
  assert.equal(listCheckpoints(dir).at(-1)?.step, kept.step + 10);
  for (const c of listCheckpoints(dir)) readCheckpoint(c.dir);
  assert.ok(!fs.readdirSync(path.join(dir, 'checkpoints')).some((name) => name.endsWith('.tmp')), 'no temporary folders left');
  readAdapterFiles(dir);
  const steps = readRunEvents(dir).filter((e) => e.event === 'metric' && e.type === 'train-step').map((e) => (e as { step: number }).step);
  assert.equal(steps.at(-1), kept.step + 10);
});

test('the CLI runs a training in a child process with the allocator setting; a stop signal to the CLI reaches it once', async () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-reexec-'));
  const cli = bundleCli(temp);
  const ws = writeTinyWorkspace({ training: { maxSteps: 400, microBatchSize: 4, learningRate: 0.01, warmupSteps: 3, checkpointEvery: 5, maxLength: 96, seed: 3 } });
  const runsRoot = path.join(ws.dir, '.smoe', 'runs');
  const env = childEnv(temp);
  delete env.MALLOC_MMAP_THRESHOLD_;
  const child = spawn(process.execPath, [cli, 'train', '--config', ws.experimentFile], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += String(d); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const runDir = () => (fs.existsSync(runsRoot) ? fs.readdirSync(runsRoot).map((id) => path.join(runsRoot, id))[0] : undefined);
  await waitFor(() => { const dir = runDir(); return dir !== undefined && listCheckpoints(dir).length >= 1; }, 180_000).catch((e) => { throw new Error(`${e.message}: ${stderr}`); });
  const dir = runDir() as string;
  const owner = Number.parseInt(fs.readFileSync(path.join(dir, 'run.lock'), 'utf8'), 10);
  assert.notEqual(owner, child.pid, 'the job runs in a process of its own');
  if (process.platform === 'linux') {
    const environ = fs.readFileSync(`/proc/${owner}/environ`, 'utf8').split('\0');
    assert.ok(environ.includes('MALLOC_MMAP_THRESHOLD_=131072'), 'the job process has the allocator setting');
    assert.ok(environ.some((e) => e.startsWith('GLIBC_TUNABLES=') && e.split(/[=:]/).includes('glibc.malloc.hugetlb')), 'and huge pages for its blocks');
  }
  child.kill('SIGTERM'); // to the CLI only: it forwards the stop to the job, which stops at its next step
  const code = await exited;
  assert.equal(readRunRecord(dir)?.status, 'cancelled', `stopped cleanly, not killed: ${stderr}`);
  assert.match(stderr, /SIGTERM: stopping at the next step boundary/);
  assert.equal(code, 130, 'the CLI exits with the job process\'s code (train: 130 when stopped)');
});
