// One writer per run folder: `run.lock` holds the owner's pid. Created with O_EXCL, so of two processes that race
// for a folder exactly one wins; a lock whose owner is gone (killed, crashed) is taken over.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const LOCK_FILE = 'run.lock';

/** Another live process is writing the run folder. */
export class RunLockedError extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`${dir} is in use by process ${pid}, which is still running; wait for it to finish or cancel it (Ctrl-C, or Cancel Run) before resuming`);
    this.name = 'RunLockedError';
  }
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** A process that has exited but not been reaped yet (Linux): it answers signal 0 but runs nothing and holds no lock. */
function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

function ownerOf(file: string): number | undefined {
  try {
    return Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
  } catch {
    return undefined;
  }
}

/** Takes the folder's lock for this process, or throws RunLockedError naming the live owner. */
export function acquireRunLock(dir: string): void {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = ownerOf(file);
    if (owner === process.pid) return;
    if (owner !== undefined && processAlive(owner)) throw new RunLockedError(dir, owner);
    // The owner is gone: remove its stale lock and race for it again.
    fs.rmSync(file, { force: true });
  }
  throw new RunLockedError(dir, ownerOf(file) ?? -1);
}

/** Throws RunLockedError when another live process holds the folder (checked before any work on a resume). */
export function checkRunLock(dir: string): void {
  const owner = ownerOf(path.join(dir, LOCK_FILE));
  if (owner !== undefined && owner !== process.pid && processAlive(owner)) throw new RunLockedError(dir, owner);
}

/** Drops the lock when this process holds it. */
export function releaseRunLock(dir: string): void {
  const file = path.join(dir, LOCK_FILE);
  if (ownerOf(file) === process.pid) fs.rmSync(file, { force: true });
}
