// A fresh esbuild bundle of the CLI for tests that run `smoe` as a process (dist/cli.js may predate the sources),
// with build.mjs's loaders; onnxruntime-node stays external.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

let bundle: string | undefined;

export function cliBundle(root: string): string {
  if (bundle) return bundle;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-cli-bundle-')), 'cli.js');
  esbuild.buildSync({
    entryPoints: [path.join(root, 'src', 'cli', 'main.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error',
    external: ['vscode', 'onnxruntime-node'], loader: { '.proto': 'text', '.py': 'text' }, alias: { 'jsonc-parser': path.join(root, 'node_modules', 'jsonc-parser', 'lib', 'esm', 'main.js') },
  });
  return (bundle = outfile);
}
