// `npm test`: compiles and builds, then runs the three tiers — unit (node's runner over out/test/unit),
// integration (mocha suites inside code-server's extension host) and UI (the packaged .vsix in
// code-server, driven through Chromium). Every selected tier runs even when an earlier one failed; the
// last line is always `N passed, N failed[, N skipped]` and the exit code is non-zero on any failure.
// Usage: node test/run-all.mjs [--tier unit|integration|ui]...
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import './harness/cleanup.mjs';
import { runIntegrationTier } from './harness/integration.mjs';
import { findFiles, runNodeTests } from './harness/nodeTest.mjs';
import { outDir, repoRoot, resultsDir } from './harness/paths.mjs';
import { createIsolatedHome } from './harness/sandbox.mjs';
import { runUiTier } from './harness/ui.mjs';

const TIERS = ['unit', 'integration', 'ui'];

function selectedTiers(argv) {
  const picked = [];
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i] === '--tier' ? argv[++i] : argv[i].startsWith('--tier=') ? argv[i].slice(7) : undefined;
    if (value === undefined) throw new Error(`unknown argument ${argv[i]}; usage: node test/run-all.mjs [--tier unit|integration|ui]...`);
    for (const tier of value.split(',')) {
      if (!TIERS.includes(tier)) throw new Error(`unknown tier "${tier}"; pick one of ${TIERS.join(', ')}`);
      picked.push(tier);
    }
  }
  return picked.length > 0 ? TIERS.filter((t) => picked.includes(t)) : TIERS;
}

function banner(text) {
  console.log(`\n=== ${text} ${'='.repeat(Math.max(0, 70 - text.length))}`);
}

/** A failed preparation step; `blocking` says whether the tiers that need it cannot run at all. */
class PrepareError extends Error {
  constructor(message, blocking = true) {
    super(message);
    this.blocking = blocking;
  }
}

/** Runs a preparation command; its output goes straight to the console. Returns its exit status. */
function step(name, command, args, { env = process.env, okStatuses = [0] } = {}) {
  const started = Date.now();
  console.log(`[prepare] ${name}`);
  const result = spawnSync(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!okStatuses.includes(result.status)) throw new PrepareError(`${name} failed (exit ${result.status ?? result.signal}) after ${seconds} s`);
  console.log(`[prepare] ${name}: ${seconds} s`);
  return result.status;
}

// tsc's exit status 2: type errors, but every file was emitted.
const TSC_ERRORS_OUTPUT_EMITTED = 2;

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

// Debian packages the VS Code host and the browser tiers need (TESTING.md); .ci/run installs the same list.
const SYSTEM_PACKAGES = ['chromium', 'build-essential', 'python3', 'pkg-config', 'libkrb5-dev', 'ripgrep'];

function missingSystemPackages() {
  const check = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...SYSTEM_PACKAGES], { encoding: 'utf8' });
  if (check.error) return undefined; // not a Debian-like system: the tiers report what they miss themselves
  const installed = new Set(check.stdout.split('\n').filter((line) => line.endsWith('install ok installed')).map((line) => line.split(' ')[0]));
  return SYSTEM_PACKAGES.filter((name) => !installed.has(name));
}

const prepare = {
  systemPackages() {
    const missing = missingSystemPackages();
    if (!missing || missing.length === 0) return;
    const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
    if (process.getuid?.() !== 0) throw new PrepareError(`missing Debian packages ${missing.join(', ')}; install them with: sudo ${command}`);
    step('apt-get update', 'apt-get', ['update']);
    step(`apt-get install ${missing.join(' ')}`, 'apt-get', ['install', '-y', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  },
  compileTests() {
    // A clean out/ keeps deleted or renamed tests from running from stale output.
    fs.rmSync(outDir, { recursive: true, force: true });
    const status = step('compile tests (tsc -p tsconfig.test.json)', process.execPath, [tsc, '-p', 'tsconfig.test.json'], {
      okStatuses: [0, TSC_ERRORS_OUTPUT_EMITTED],
    });
    if (status === TSC_ERRORS_OUTPUT_EMITTED) {
      // Type errors fail the run, but the emitted JavaScript still lets every tier report its tests.
      throw new PrepareError('type errors in tsc -p tsconfig.test.json (output emitted; tiers still run)', false);
    }
  },
  build() {
    step('build bundles (node build.mjs)', process.execPath, ['build.mjs']);
  },
  host() {
    step('code-server host (test/host/install.sh)', 'bash', [path.join(repoRoot, 'test', 'host', 'install.sh')]);
  },
  packageVsix() {
    step('package .vsix (npm run package)', npm, ['run', '--silent', 'package']);
    // `package` leaves production bundles in dist/; put the development build back for later runs.
    step('restore development bundles', process.execPath, ['build.mjs']);
  },
};

const tierRunners = {
  async unit() {
    const files = findFiles(path.join(outDir, 'test', 'unit'), ['.test.js']);
    if (files.length === 0) {
      console.log('no unit tests found under out/test/unit');
      return { exitCode: 0, passed: 0, failed: 0, skipped: 0 };
    }
    const home = createIsolatedHome('unit');
    const concurrency = Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);
    return runNodeTests(files, { env: home.env, tapFile: path.join(resultsDir, 'unit', 'results.tap'), concurrency });
  },
  async integration() {
    return runIntegrationTier();
  },
  async ui() {
    prepare.packageVsix();
    return runUiTier();
  },
};

const tierNeeds = { unit: ['compileTests'], integration: ['systemPackages', 'compileTests', 'build', 'host'], ui: ['systemPackages', 'compileTests', 'build', 'host'] };
const tierTitles = {
  unit: 'tier 1: unit (node --test out/test/unit)',
  integration: 'tier 2: integration (mocha in code-server 4.100.3 via Chromium)',
  ui: 'tier 3: UI (packaged .vsix in code-server, playwright-core + Chromium)',
};

async function runTier(tier, failedPrepares) {
  const started = Date.now();
  const blocked = tierNeeds[tier].filter((name) => failedPrepares.has(name));
  let outcome;
  if (blocked.length > 0) {
    outcome = { exitCode: 1, passed: 0, failed: 0, skipped: 0, error: `not run: ${blocked.join(', ')} failed` };
  } else {
    try {
      outcome = await tierRunners[tier]();
    } catch (error) {
      outcome = { exitCode: 1, passed: 0, failed: 0, skipped: 0, error: error instanceof Error ? error.message : String(error) };
    }
  }
  if (outcome.error) console.error(`[${tier}] ${outcome.error}`);
  // A tier that failed without a failing test (crash, timeout, missing summary) still counts as one failure.
  const failed = outcome.exitCode !== 0 || outcome.summaryMissing ? Math.max(outcome.failed, 1) : outcome.failed;
  return { tier, passed: outcome.passed, failed, skipped: outcome.skipped, seconds: (Date.now() - started) / 1000, note: outcome.error };
}

function printSummary(results, prepareFailures, totalSeconds) {
  banner('summary');
  for (const [name, message] of prepareFailures) console.log(`prepare ${name}: FAILED (${message})`);
  for (const r of results) {
    const status = r.failed > 0 ? 'FAIL' : 'ok';
    const counts = `${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`;
    console.log(`${r.tier.padEnd(12)} ${status.padEnd(5)} ${counts.padEnd(34)} ${r.seconds.toFixed(1).padStart(6)} s${r.note ? `  (${r.note})` : ''}`);
  }
  console.log(`total time ${totalSeconds.toFixed(1)} s`);
  const sum = (key) => results.reduce((n, r) => n + r[key], 0) + (key === 'failed' ? prepareFailures.size : 0);
  const skipped = sum('skipped');
  console.log(`${sum('passed')} passed, ${sum('failed')} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return sum('failed');
}

async function main() {
  const started = Date.now();
  const tiers = selectedTiers(process.argv.slice(2));
  const needed = [...new Set(tiers.flatMap((t) => tierNeeds[t]))];
  const prepareFailures = new Map();
  const blocking = new Set();
  banner(`prepare (${tiers.join(', ')})`);
  for (const name of Object.keys(prepare).filter((n) => needed.includes(n))) {
    try {
      prepare[name]();
    } catch (error) {
      prepareFailures.set(name, error.message);
      if (error.blocking !== false) blocking.add(name);
      console.error(`[prepare] ${error.message}`);
    }
  }
  const results = [];
  for (const tier of tiers) {
    banner(tierTitles[tier]);
    results.push(await runTier(tier, blocking));
  }
  const failed = printSummary(results, prepareFailures, (Date.now() - started) / 1000);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
