// Opening files a user named: only regular files are read. A FIFO, socket or device opened for reading blocks until
// a writer appears (or never ends), so the open is non-blocking and the kind is checked on the open descriptor.
import * as fs from 'node:fs';

/** A path that exists but is not a regular file (a folder, FIFO, socket or device), or cannot be opened. */
export class FileAccessError extends Error {
  constructor(readonly file: string, readonly detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'FileAccessError';
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** A read-only descriptor of a regular file; throws FileAccessError naming the file otherwise. */
export function openRegularFile(file: string): number {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileAccessError(file, code === 'ENOENT' ? 'does not exist' : `cannot be opened (${code ?? String(error)})`);
  }
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) {
    fs.closeSync(fd);
    throw new FileAccessError(file, `is ${kindOf(stat)}; give a regular file`);
  }
  return fd;
}

/** The whole content of a regular file. */
export function readRegularFile(file: string): Buffer {
  const fd = openRegularFile(file);
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function readRegularText(file: string): string {
  return readRegularFile(file).toString('utf8');
}

/** readRegularText without blocking the event loop (the extension host reads through this). */
export async function readRegularTextAsync(file: string): Promise<string> {
  return (await readRegularFileAsync(file)).toString('utf8');
}

/** readRegularFile without blocking the event loop. */
export async function readRegularFileAsync(file: string): Promise<Buffer> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileAccessError(file, code === 'ENOENT' ? 'does not exist' : `cannot be opened (${code ?? String(error)})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new FileAccessError(file, `is ${kindOf(stat)}; give a regular file`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
