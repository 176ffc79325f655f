// One esbuild script for every bundle: extension, worker, CLI, benchmark (node) and the dashboard webview (browser).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode', 'onnxruntime-node'],
  loader: { '.proto': 'text', '.py': 'text' },
  // jsonc-parser's `main` is a UMD build that requires its parts at run time, which esbuild cannot follow: bundle its ES modules.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};

const builds = [
  { ...nodeCommon, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...nodeCommon, entryPoints: ['src/worker/main.ts'], outfile: 'dist/worker.js' },
  { ...nodeCommon, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: ['webview/src/main.ts'],
    outfile: 'dist/webview.js',
  },
];
if (!production) {
  builds.push({ ...nodeCommon, entryPoints: ['test/bench/main.ts'], outfile: 'dist/bench.js' });
  builds.push({ ...nodeCommon, entryPoints: ['test/gpucheck/main.ts'], outfile: 'dist/gpucheck.js' });
  builds.push({ ...nodeCommon, entryPoints: ['test/bench/scale/main.ts'], outfile: 'dist/benchScale.js' });
  builds.push({ ...nodeCommon, entryPoints: ['test/bench/scale/child.ts'], outfile: 'dist/benchScaleChild.js' });
  builds.push({ ...nodeCommon, entryPoints: ['test/bench/scale/ortMemory.ts'], outfile: 'dist/benchOrtMemory.js' });
}

// report.html (the demo) inlines chart.js's UMD build; ship it beside the bundles so an installed .vsix has it.
fs.mkdirSync('dist', { recursive: true });
fs.copyFileSync('node_modules/chart.js/dist/chart.umd.js', 'dist/chart.umd.js');

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] watching for changes');
} else {
  const started = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`built ${builds.length} bundles in ${Date.now() - started} ms`);
}
