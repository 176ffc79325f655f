import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** A change stamp for a path: its mtime and size, plus those of `config.json` inside a folder (edited in place). */
export async function fileStamp(file: string): Promise<string> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isDirectory()) return `${stat.mtimeMs}:${stat.size}`;
    const config = await fs.stat(path.join(file, 'config.json')).catch(() => undefined);
    return `${stat.mtimeMs}:${config?.mtimeMs ?? '-'}:${config?.size ?? '-'}`;
  } catch {
    return 'absent';
  }
}

/** Memoises an async read per path until the path's stamp changes, so CodeLens and diagnostics share one read. */
export class StampedCache<T> {
  private readonly entries = new Map<string, { stamp: string; value: Promise<T> }>();

  constructor(private readonly read: (file: string) => Promise<T>) {}

  async get(file: string): Promise<T> {
    const stamp = await fileStamp(file);
    const cached = this.entries.get(file);
    if (cached?.stamp === stamp) return cached.value;
    const value = this.read(file);
    this.entries.set(file, { stamp, value });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
