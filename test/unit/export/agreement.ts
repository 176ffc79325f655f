// Shared steps of the export-job agreement tests: the CLI bundle, running python3 with torch, reading a run's
// step losses, comparing two adapters and exporting a job (every generated .py must compile).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRunEvents } from '../../../src/core/runFolder/runFolder';
import { readSafetensors } from '../../../src/core/model/safetensors';
import { projectRoot, tempDir } from '../probe/helpers';
import { pythonWithTorch } from './python';
import { cliBundle } from '../cliBundle';

const ROOT = projectRoot();
const PYTHON = pythonWithTorch();

export const cli = () => cliBundle(ROOT);

export function run(command: string, args: string[], cwd = ROOT, env: Record<string, string> = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd, env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), OMP_NUM_THREADS: '1', ...env } });
  assert.equal(result.status, 0, `${path.basename(command)} ${args.join(' ')}\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

export const python = (args: string[], cwd?: string, env?: Record<string, string>) => run((PYTHON as { python: string }).python, args, cwd, env);

export function stepLosses(runDir: string): number[] {
  return readRunEvents(runDir).flatMap((e) => (e.event === 'metric' && e.type === 'train-step' ? [e.loss] : []));
}

export function onlyRun(runsRoot: string): string {
  const runs = fs.readdirSync(runsRoot);
  assert.equal(runs.length, 1, `one run folder in ${runsRoot}`);
  return path.join(runsRoot, runs[0]);
}

/** The largest absolute difference between two adapters with the same tensors in the same order. */
export function compareAdapters(smoeRun: string, jobRun: string): number {
  const a = readSafetensors(path.join(smoeRun, 'adapter.safetensors')).tensors;
  const b = readSafetensors(path.join(jobRun, 'adapter.safetensors')).tensors;
  assert.deepEqual([...b.keys()], [...a.keys()], 'same tensors in the same order');
  let worst = 0;
  for (const [name, t] of a) t.data.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - (b.get(name) as typeof t).data[i])); });
  return worst;
}

export function exportAndCompile(experimentFile: string, extra: string[] = []): string {
  const jobDir = tempDir('smoe-export-job-');
  run(process.execPath, [cli(), 'export-job', '--config', experimentFile, '--out', jobDir, ...extra]);
  const sources = fs.readdirSync(jobDir).filter((f) => f.endsWith('.py'));
  assert.ok(sources.includes('train.py') && sources.includes('probe.py') && sources.includes('smoe_moe.py'));
  python(['-m', 'py_compile', ...sources.map((f) => path.join(jobDir, f))]);
  for (const file of ['job.json', 'init_adapter.safetensors', 'requirements.txt', 'accelerate_config.yaml', 'launch.sh', 'README.md', 'ds_zero2.json', 'ds_zero3.json']) assert.ok(fs.existsSync(path.join(jobDir, file)), file);
  return jobDir;
}

