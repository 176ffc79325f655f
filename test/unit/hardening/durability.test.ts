// Run-folder durability pieces (issue 13, class 6): atomic writes leave no temporary on error and name a full
// disk's folder; rotation keeps the newest K; resume passes over a corrupt newest checkpoint and says so;
// orphaned decoder folders of dead processes are swept; only regular files are opened.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DiskFullError, explainWriteError, writeFileAtomic } from '../../../src/core/data/atomicFile';
import { openRegularFile } from '../../../src/core/data/regularFile';
import { removeOrphanedDecoderFolders } from '../../../src/core/model/decoder/sessions';
import { listCheckpoints, resumePoint, rotateCheckpoints, writeCheckpoint } from '../../../src/core/train/checkpoint';

const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-durability-'));

function checkpointAt(runDir: string, step: number): string {
  const params = new Map([['w', Float32Array.from([step, step + 0.5])]]);
  const optimizer = { step, expAvg: new Map([['w', new Float32Array(2)]]), expAvgSq: new Map([['w', new Float32Array(2)]]) };
  return writeCheckpoint(runDir, params, optimizer, { step, sampler: { order: [], position: 0 } as never, dropoutRandom: 1, shapes: { w: [2] } });
}

test('writeFileAtomic replaces the file and leaves no temporary, also when the write fails', () => {
  const dir = temp();
  const file = path.join(dir, 'run.json');
  writeFileAtomic(file, 'one');
  writeFileAtomic(file, 'two');
  assert.equal(fs.readFileSync(file, 'utf8'), 'two');
  assert.throws(() => writeFileAtomic(path.join(dir, 'missing-folder', 'x.json'), 'x'), /ENOENT/);
  assert.deepEqual(fs.readdirSync(dir), ['run.json']);
  assert.throws(() => explainWriteError(file, Object.assign(new Error('raw'), { code: 'ENOSPC' })), (e: unknown) => e instanceof DiskFullError && e.message.includes(`no space left on the device holding ${dir}`));
});

test('rotation keeps the newest K checkpoints', () => {
  const runDir = temp();
  for (const step of [2, 4, 6, 8]) checkpointAt(runDir, step);
  rotateCheckpoints(runDir, 2);
  assert.deepEqual(listCheckpoints(runDir).map((c) => c.step), [6, 8]);
});

test('resume passes over a corrupt newest checkpoint to the one before it, and names it', () => {
  const runDir = temp();
  checkpointAt(runDir, 2);
  const newest = checkpointAt(runDir, 4);
  fs.writeFileSync(path.join(newest, 'adapter.safetensors'), Buffer.alloc(20));
  const point = resumePoint(runDir);
  assert.equal(point.checkpoint?.state.step, 2);
  assert.equal(point.unreadable.length, 1);
  assert.match(point.unreadable[0].reason, /adapter\.safetensors/);
  assert.equal(resumePoint(runDir, 'step-2').checkpoint?.state.step, 2);
  assert.throws(() => resumePoint(runDir, 'step-9'), /--from-checkpoint step-9: .*checkpoints has no such checkpoint \(it has: step-2, step-4\)/);
});

test('decoder folders of dead processes are removed, those of live ones kept', () => {
  const tmp = temp();
  const dead = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  fs.mkdirSync(path.join(tmp, `smoe-decoder-${dead}-abc`));
  fs.mkdirSync(path.join(tmp, `smoe-decoder-${process.pid}-def`));
  assert.deepEqual(removeOrphanedDecoderFolders(tmp), [`smoe-decoder-${dead}-abc`]);
  assert.deepEqual(fs.readdirSync(tmp), [`smoe-decoder-${process.pid}-def`]);
});

test('only regular files are opened: a FIFO and a folder are refused at once', () => {
  const dir = temp();
  execFileSync('mkfifo', [path.join(dir, 'pipe')]);
  assert.throws(() => openRegularFile(path.join(dir, 'pipe')), /pipe: is a named pipe \(FIFO\); give a regular file/);
  assert.throws(() => openRegularFile(dir), /is a folder; give a regular file/);
});
