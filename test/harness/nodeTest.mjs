// Runs files with node's test runner: spec output to the console, TAP to a file for the counts.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.mjs';
import { signalGroup, trackProcessGroup } from './cleanup.mjs';

export function findFiles(dir, suffixes) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => suffixes.some((suffix) => file.endsWith(suffix)))
    .sort()
    .map((file) => path.join(dir, file));
}

/** @returns {Promise<{ exitCode: number, passed: number, failed: number, skipped: number }>} */
export async function runNodeTests(files, { env, tapFile, concurrency = 1, timeoutMs = 600_000 }) {
  fs.mkdirSync(path.dirname(tapFile), { recursive: true });
  fs.rmSync(tapFile, { force: true });
  const args = [
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...files,
  ];
  // Its own process group, so that an interrupted run and any process a test leaks are killed with it.
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
  const untrack = trackProcessGroup(child.pid);
  const timer = setTimeout(() => {
    console.error(`[node --test] still running after ${timeoutMs / 1000} s, killing it`);
    signalGroup(child.pid, 'SIGKILL');
  }, timeoutMs);
  const exitCode = await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  clearTimeout(timer);
  signalGroup(child.pid, 'SIGKILL');
  untrack();
  return { exitCode, ...tapCounts(tapFile) };
}

/** Reads the summary that node's TAP reporter writes at the end (`# pass N`, `# fail N`, ...). */
export function tapCounts(tapFile) {
  const text = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
  const count = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    passed: count('pass'),
    failed: count('fail') + count('cancelled'),
    skipped: count('skipped') + count('todo'),
  };
}
