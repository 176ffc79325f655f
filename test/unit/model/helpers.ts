// Shared helpers of the model tests: temp folders and the optional ../shared/data.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** ../shared/data beside the project root (the folder with package.json above this file), if present. */
export function sharedDataDir(): string | undefined {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  const data = path.resolve(dir, '..', 'shared', 'data');
  return fs.existsSync(data) ? data : undefined;
}

/** Path of a shared file, or the reason a test skips without it (printed by node --test). */
export function sharedFile(relative: string): { file: string } | { skip: string } {
  const data = sharedDataDir() ?? fallbackSharedData();
  const file = data ? path.join(data, relative) : undefined;
  if (file && fs.existsSync(file)) return { file };
  return { skip: `../shared/data/${relative} is not present (a fresh clone has no ../shared); skipped` };
}

/** Compiled tests may run from outside the repo (e.g. /tmp/out-model): fall back to the repo's sibling via cwd. */
function fallbackSharedData(): string | undefined {
  const data = path.resolve(process.cwd(), '..', 'shared', 'data');
  return fs.existsSync(data) ? data : undefined;
}

export function tempDir(prefix = 'smoe-model-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
