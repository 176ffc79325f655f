// The @vscode/test-electron `extensionTestsPath` contract: VS Code loads this module in the extension
// host and awaits run(). Used unchanged by code-server (test/harness/integration.mjs) and by
// @vscode/test-electron (runElectron.ts).
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

const SUITE_DIR = path.join(__dirname, 'suite');

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .sort()
    .map((file) => path.join(dir, file));
}

function writeSummary(stats: Mocha.Stats | undefined, failures: number): void {
  const summary = {
    passed: stats?.passes ?? 0,
    failed: Math.max(stats?.failures ?? 0, failures),
    skipped: stats?.pending ?? 0,
    durationMs: stats?.duration ?? 0,
  };
  console.log(`mocha summary: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
  const target = process.env.SMOE_TEST_SUMMARY;
  if (target) fs.writeFileSync(target, JSON.stringify(summary));
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 60_000,
    reporter: 'spec',
    grep: process.env.SMOE_TEST_GREP,
  });
  for (const file of testFiles(SUITE_DIR)) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      writeSummary(runner.stats, failures);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
