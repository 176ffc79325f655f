// The `smoe` CLI as a child process (a fresh esbuild bundle of src/cli/main.ts; onnxruntime-node stays external),
// and a pristine tiny workspace copied per case, for the hardening tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliBundle as sharedCliBundle } from '../cliBundle';
import { writeTinyWorkspace, type TinyWorkspace } from '../train/tinyWorkspace';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const sourceRoot = fs.existsSync(path.join(repoRoot, 'src', 'cli', 'main.ts')) ? repoRoot : process.cwd();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-hardening-'));
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));

function env(): NodeJS.ProcessEnv {
  const home = path.join(scratch, 'home');
  fs.mkdirSync(home, { recursive: true });
  return { ...process.env, HOME: home, TMPDIR: path.join(scratch, 'tmp'), NODE_PATH: path.join(sourceRoot, 'node_modules') };
}

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `smoe ...args` to the end (a hung command is killed after `timeoutMs` and reads as signal SIGTERM). */
export function smoe(args: string[], cwd: string, timeoutMs = 120_000): CliResult {
  fs.mkdirSync(path.join(scratch, 'tmp'), { recursive: true });
  const run = spawnSync(process.execPath, [sharedCliBundle(sourceRoot), ...args], { cwd, env: env(), encoding: 'utf8', timeout: timeoutMs });
  return { status: run.status, signal: run.signal, stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
}

/** Starts `smoe ...args` in the background; stderr is collected into `output()`. */
export function smoeChild(args: string[], cwd: string): { child: ChildProcess; output: () => string } {
  fs.mkdirSync(path.join(scratch, 'tmp'), { recursive: true });
  const child = spawn(process.execPath, [sharedCliBundle(sourceRoot), ...args], { cwd, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (d) => { text += String(d); });
  child.stderr?.on('data', (d) => { text += String(d); });
  return { child, output: () => text };
}

let pristine: TinyWorkspace | undefined;

/** A fresh copy of the tiny workspace (2-layer HF model, two tasks, an experiment file) with `overrides` applied. */
export function workspace(overrides: Record<string, unknown> = {}): TinyWorkspace {
  pristine ??= writeTinyWorkspace();
  const dir = fs.mkdtempSync(path.join(scratch, 'ws-'));
  fs.cpSync(pristine.dir, dir, { recursive: true });
  const experimentFile = path.join(dir, path.basename(pristine.experimentFile));
  const experiment = JSON.parse(fs.readFileSync(experimentFile, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(experimentFile, JSON.stringify({ ...experiment, ...overrides }, null, 2));
  return { dir, experimentFile, modelDir: path.join(dir, 'model') };
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
