// Durable atomic writes: a temporary file in the same folder, fsynced, renamed over the target, then the folder
// fsynced so the rename itself survives a power cut. A failed write removes its temporary; a full disk is said
// in words that name the folder.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A write that failed for lack of space (ENOSPC) or quota (EDQUOT); the message names the folder and the fix. */
export class DiskFullError extends Error {
  constructor(readonly file: string) {
    super(`no space left on the device holding ${path.dirname(file)} while writing ${path.basename(file)}; free some space there (or move the runs folder) and run again`);
    this.name = 'DiskFullError';
  }
}

export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Rethrows a full-disk error as DiskFullError naming `file`; other errors unchanged. */
export function explainWriteError(file: string, error: unknown): never {
  throw isDiskFull(error) ? new DiskFullError(file) : error;
}

/** fsync of a folder, so a rename or a new entry in it is on disk (a no-op where folders cannot be opened). */
export function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms and file systems cannot fsync a folder; the data files themselves are already synced.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes `data` to a file synced to disk (no rename: for files inside a temporary folder renamed later). */
export function writeFileSynced(file: string, data: string | Uint8Array): void {
  try {
    const fd = fs.openSync(file, 'w');
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    explainWriteError(file, error);
  }
}

/** Replaces `file` atomically and durably; readers see the old content or the new, never a part. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSynced(temp, data);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    explainWriteError(file, error);
  }
  syncFolder(path.dirname(file));
}
