// Tier 3: the packaged .vsix installed into code-server's isolated extensions dir, one code-server for
// all UI test files, each file driving its own headless Chromium (test/ui/*.test.mjs, node's runner).
import fs from 'node:fs';
import path from 'node:path';
import { createSandbox } from './sandbox.mjs';
import { installExtension, startCodeServer } from './codeServer.mjs';
import { findFiles, runNodeTests } from './nodeTest.mjs';
import { repoRoot, resultsDir, vsixPath } from './paths.mjs';

const FIXTURE_EXPERIMENT = {
  name: 'ui-fixture',
  model: { path: 'model' },
  tasks: [{ name: 'boolq', train: 'boolq.jsonl' }],
};

export async function runUiTier() {
  if (!fs.existsSync(vsixPath)) throw new Error(`${vsixPath} is missing; run npm run package first`);
  const artifacts = path.join(resultsDir, 'ui');
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });

  const sandbox = createSandbox('ui');
  console.log(installExtension(sandbox, vsixPath).split('\n').pop());
  fs.writeFileSync(path.join(sandbox.dirs.workspace, 'fixture.smoe.json'), `${JSON.stringify(FIXTURE_EXPERIMENT, null, 2)}\n`);
  let server;
  try {
    server = await startCodeServer(sandbox);
    const env = {
      ...sandbox.env,
      SMOE_UI_ORIGIN: server.origin,
      SMOE_UI_WORKSPACE: sandbox.dirs.workspace,
      SMOE_UI_SANDBOX: sandbox.dirs.root,
      SMOE_UI_EXTENSIONS_DIR: sandbox.dirs.extensions,
      SMOE_UI_RESULTS: artifacts,
    };
    // SMOE_UI_ONLY=<part of a file name> runs the matching UI test files only (while iterating on one).
    const only = process.env.SMOE_UI_ONLY;
    const files = findFiles(path.join(repoRoot, 'test', 'ui'), ['.test.mjs']).filter((file) => !only || path.basename(file).includes(only));
    // node --test with no files would run every test file it can find instead.
    if (files.length === 0) throw new Error(`SMOE_UI_ONLY=${only} matches no file in test/ui (names are case-sensitive)`);
    return await runNodeTests(files, { env, tapFile: path.join(artifacts, 'results.tap') });
  } finally {
    await server?.stop();
    if (fs.existsSync(sandbox.dirs.log)) fs.copyFileSync(sandbox.dirs.log, path.join(artifacts, 'code-server.log'));
  }
}
