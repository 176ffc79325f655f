/** Allocation: a budgeted per-type vote over all seven module types of the authors' 7B table (the editor's target: < 250 ms a call). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allocateExperts, readSensitivity } from '../../src/core/algo';
import { MODULE_TYPES } from '../../src/core/model/config';

const TARGET_MS = 250;

function sharedTable(): string | undefined {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const relative = path.join('shared', 'data', 'reference', 'lora-smoe-7b-sensitivity');
  return [path.resolve(dir, '..', relative), path.resolve(process.cwd(), '..', relative)].find((file) => fs.existsSync(file));
}

export async function runAllocateBench(): Promise<void> {
  const location = sharedTable();
  if (!location) {
    process.stdout.write('skipped: ../shared/data/reference/lora-smoe-7b-sensitivity is absent\n');
    return;
  }
  const table = readSensitivity(location);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    allocateExperts({ strategy: 'vote', table, scope: 'per-type', moduleTypes: [...MODULE_TYPES], budget: { kind: 'experts', value: 500 } });
    times.push(performance.now() - started);
  }
  const best = Math.min(...times);
  process.stdout.write(`budgeted per-type vote, 7 types, 500 experts: best ${best.toFixed(1)} ms of 5 (target < ${TARGET_MS} ms: ${best < TARGET_MS ? 'met' : 'MISSED'})\n`);
}
