// `npm run check:gpu`: builds, then runs the GPU check here (`-- --out DIR [check options]`), or with `-- --pack`
// writes .gpucheck/ (git-ignored): everything a GPU machine without Node.js needs to run the check with one command,
// `bash .gpucheck/run.sh OUT_DIR`. The pack must stay under the device machines' 64 MiB carry limit.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PACK = path.join(ROOT, '.gpucheck');
const LIMIT = 64 * 1024 * 1024;
/** The Vulkan loader, and the GL/EGL dispatch libraries the device notes bring along with it. */
const DEBS = ['libvulkan1', 'libegl1', 'libglvnd0', 'libopengl0', 'libgl1', 'libglx0', 'libgles2'];
const STORIES = path.resolve(ROOT, '..', 'shared', 'data', 'models', 'stories260K', 'stories260K.bin');

function run(command, args, options = {}) {
  execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: ROOT, ...options });
}

/** xz of one file, or of a tar of paths relative to `cwd`. */
function xzFile(source, target) {
  run('sh', ['-c', 'xz -T0 -9 -c "$0" > "$1"', source, target]);
}
function xzTar(cwd, paths, target) {
  run('bash', ['-c', 'tar -C "$0" -cf - "${@:2}" | xz -T0 -9 -c > "$1"', cwd, target, ...paths]);
}

function nodeBinary() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20 || process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the pack carries this Node binary, which must be Node 20 on linux-x64 (this is ${process.version} on ${process.platform}-${process.arch})`);
  }
  return fs.realpathSync(process.execPath);
}

/** onnxruntime-node's JS and its linux-x64 binaries only (the package holds every platform's), plus onnxruntime-common. */
function ortPaths() {
  const ort = 'node_modules/onnxruntime-node';
  const keep = ['package.json', 'dist', 'lib', 'bin/napi-v6/linux/x64'].map((p) => `${ort}/${p}`).filter((p) => fs.existsSync(path.join(ROOT, p)));
  return [...keep, 'node_modules/onnxruntime-common'];
}

function downloadDebs(dir) {
  const state = path.join(os.tmpdir(), 'smoe-gpucheck-apt');
  for (const d of ['lists/partial', 'cache/archives/partial']) fs.mkdirSync(path.join(state, d), { recursive: true });
  const o = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', `-oDir::State::Lists=${state}/lists`, `-oDir::Cache=${state}/cache`];
  fs.mkdirSync(dir, { recursive: true });
  const update = spawnSync('apt-get', [...o, 'update'], { encoding: 'utf8' });
  const download = spawnSync('apt-get', [...o, 'download', ...DEBS], { encoding: 'utf8', cwd: dir });
  if (download.status !== 0) {
    throw new Error(`apt-get download ${DEBS.join(' ')} failed (needs the Debian archive): ${(download.stderr || update.stderr).trim().split('\n').pop()}`);
  }
}

function sizeOf(p) {
  return fs.statSync(p).isDirectory() ? fs.readdirSync(p).reduce((n, name) => n + sizeOf(path.join(p, name)), 0) : fs.statSync(p).size;
}

function pack() {
  run(process.execPath, ['build.mjs']);
  fs.rmSync(PACK, { recursive: true, force: true });
  fs.mkdirSync(path.join(PACK, 'data'), { recursive: true });
  xzFile(nodeBinary(), path.join(PACK, 'node.xz'));
  xzTar(ROOT, ['dist/gpucheck.js', 'dist/gpucheck.js.map'], path.join(PACK, 'dist.tar.xz'));
  xzTar(ROOT, ortPaths(), path.join(PACK, 'ort.tar.xz'));
  downloadDebs(path.join(PACK, 'debs'));
  if (!fs.existsSync(STORIES)) throw new Error(`${STORIES} is absent: the pack carries stories260K from ../shared/data`);
  fs.copyFileSync(STORIES, path.join(PACK, 'data', 'stories260K.bin'));
  fs.copyFileSync(path.join(ROOT, 'test', 'gpucheck', 'run.sh'), path.join(PACK, 'run.sh'));
  const bytes = sizeOf(PACK);
  const listing = fs.readdirSync(PACK).map((name) => `  ${name.padEnd(12)} ${(sizeOf(path.join(PACK, name)) / 1048576).toFixed(1)} MiB`);
  process.stdout.write(`${listing.join('\n')}\nwrote ${path.relative(ROOT, PACK)}/: ${(bytes / 1048576).toFixed(1)} MiB (limit 64 MiB)\n`);
  if (bytes > LIMIT) throw new Error(`the pack is ${(bytes / 1048576).toFixed(1)} MiB, over the 64 MiB a device machine accepts`);
}

function checkHere(argv) {
  run(process.execPath, ['build.mjs']);
  const args = argv.includes('--out') ? argv : ['--out', path.join(ROOT, '.gpucheck-results'), ...argv];
  const child = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'gpucheck.js'), ...args], { stdio: 'inherit', cwd: ROOT });
  process.exitCode = child.status ?? 1;
}

try {
  const argv = process.argv.slice(2);
  if (argv.includes('--pack')) pack();
  else checkHere(argv);
} catch (error) {
  process.stderr.write(`check:gpu: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
