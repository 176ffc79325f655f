// One place that owns everything a test run must undo: process groups to kill and temp dirs to remove.
// Runs on normal exit, on errors and on SIGINT/SIGTERM/SIGHUP, so nothing outlives the run.
import fs from 'node:fs';

const groups = new Set();
const dirs = new Set();
const keepDirs = process.env.SMOE_KEEP_SANDBOX === '1';

export function trackProcessGroup(pid) {
  groups.add(pid);
  return () => groups.delete(pid);
}

export function trackTempDir(dir) {
  dirs.add(dir);
  return () => dirs.delete(dir);
}

export function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function groupIsAlive(pid) {
  return signalGroup(pid, 0);
}

export function killAllSync() {
  for (const pid of groups) {
    signalGroup(pid, 'SIGKILL');
  }
  groups.clear();
}

export function removeTrackedDirsSync() {
  if (keepDirs) {
    for (const dir of dirs) console.error(`[harness] kept ${dir} (SMOE_KEEP_SANDBOX=1)`);
    dirs.clear();
    return;
  }
  for (const dir of dirs) {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
  dirs.clear();
}

function cleanupSync() {
  killAllSync();
  removeTrackedDirsSync();
}

process.on('exit', cleanupSync);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`[harness] ${signal}: killing ${groups.size} process group(s)`);
    cleanupSync();
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}
process.on('uncaughtException', (error) => {
  console.error('[harness] uncaught exception:', error);
  cleanupSync();
  process.exit(1);
});
