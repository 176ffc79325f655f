// Runs the integration suites in a downloaded VS Code via @vscode/test-electron (`npm run test:electron`).
// Needs network access to Microsoft's update servers; on machines without it use `npm run test:integration`.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-electron-'));
  const workspace = path.join(sandbox, 'workspace');
  fs.mkdirSync(workspace);
  try {
    await runTests({
      version: process.env.SMOE_VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'index.js'),
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${path.join(sandbox, 'user-data')}`,
        `--extensions-dir=${path.join(sandbox, 'extensions')}`,
      ],
      extensionTestsEnv: { SMOE_TEST_SUMMARY: path.join(sandbox, 'mocha-summary.json') },
    });
  } finally {
    fs.rmSync(sandbox, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('Integration tests under @vscode/test-electron failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
