// Tier 2: the mocha suites (written to the @vscode/test-electron extensionTestsPath contract) run in
// code-server's extension host, with the workbench opened in headless Chromium. The workbench calls
// window.codeAutomationLog for extension-host output and window.codeAutomationExit when run() settles.
import fs from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { launchChromium } from './chromium.mjs';
import { createSandbox } from './sandbox.mjs';
import { startCodeServer, tail } from './codeServer.mjs';
import { outDir, repoRoot, resultsDir } from './paths.mjs';

const RUN_TIMEOUT_MS = Number(process.env.SMOE_INTEGRATION_TIMEOUT_MS ?? 900_000);
export const testsIndex = path.join(outDir, 'test', 'integration', 'index.js');

export async function runIntegrationTier() {
  if (!fs.existsSync(testsIndex)) throw new Error(`${testsIndex} is missing; compile the tests first (npm run compile-tests)`);
  const artifacts = path.join(resultsDir, 'integration');
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const summaryFile = path.join(artifacts, 'mocha-summary.json');

  const sandbox = createSandbox('integration');
  sandbox.env.SMOE_TEST_SUMMARY = summaryFile;
  let server;
  let browser;
  try {
    server = await startCodeServer(sandbox);
    browser = await launchChromium(sandbox.dirs.browserProfile, { env: sandbox.env });
    const exit = await runSuites(server, browser.page, sandbox.dirs.workspace, artifacts);
    if (exit.code !== 0) await browser.page.screenshot({ path: path.join(artifacts, 'failure.png') }).catch(() => {});
    const counts = readSummary(summaryFile);
    return { exitCode: exit.code, ...counts };
  } finally {
    await browser?.close();
    await server?.stop();
    if (fs.existsSync(sandbox.dirs.log)) fs.copyFileSync(sandbox.dirs.log, path.join(artifacts, 'code-server.log'));
  }
}

async function runSuites(server, page, workspace, artifacts) {
  let settle;
  const exited = new Promise((resolve) => { settle = resolve; });
  await page.exposeFunction('codeAutomationLog', (type, message) => forwardLog(type, message));
  await page.exposeFunction('codeAutomationExit', (code, logs) => {
    saveWorkbenchLogs(artifacts, logs);
    settle({ code: Number(code) });
  });
  page.on('pageerror', (error) => console.error(`[workbench] page error: ${error.message}`));
  const payload = [
    ['extensionDevelopmentPath', server.remoteUri(repoRoot)],
    ['extensionTestsPath', server.remoteUri(testsIndex)],
  ];
  await page.goto(server.workbenchUrl(workspace, payload));
  const timer = new Promise((resolve) => {
    setTimeout(() => resolve({ code: 1, timedOut: true }), RUN_TIMEOUT_MS).unref();
  });
  const result = await Promise.race([exited, timer]);
  if (result.timedOut) {
    console.error(`[integration] no codeAutomationExit within ${RUN_TIMEOUT_MS / 1000} s`);
    await page.screenshot({ path: path.join(artifacts, 'timeout.png') }).catch(() => {});
    console.error(`--- code-server log ---\n${tail(server.log)}`);
  }
  return result;
}

// Workbench chatter that says nothing about the tests; shown with SMOE_VERBOSE=1.
const NOISE = [
  /^Ignoring fetching additional builtin extensions/,
  /^Updating additional builtin extensions cache/,
  /^(Creating a socket|Resolving connection token|Resolved connection token)/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
];
const verbose = process.env.SMOE_VERBOSE === '1';

/** The workbench sends each console call as the array of its arguments (format string first). */
function formatLogMessage(message) {
  return Array.isArray(message) ? format(...message) : format(message);
}

function forwardLog(type, message) {
  const text = formatLogMessage(message);
  if (!verbose && type !== 'error' && NOISE.some((pattern) => pattern.test(text))) return;
  for (const line of text.replace(/\n$/, '').split('\n')) {
    (type === 'error' ? process.stderr : process.stdout).write(`  ${line}\n`);
  }
}

function saveWorkbenchLogs(artifacts, logs) {
  if (!Array.isArray(logs)) return;
  for (const { relativePath, contents } of logs) {
    const target = path.join(artifacts, 'logs', relativePath);
    if (!target.startsWith(path.join(artifacts, 'logs'))) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, contents);
  }
}

function readSummary(file) {
  try {
    const { passed, failed, skipped } = JSON.parse(fs.readFileSync(file, 'utf8'));
    return { passed, failed, skipped, summaryMissing: false };
  } catch {
    return { passed: 0, failed: 0, skipped: 0, summaryMissing: true };
  }
}
