import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Tokenizer } from '../../../src/core/data';

/** One token per character (code + 10); BOS 1, EOS 2. */
export const charTokenizer: Tokenizer = {
  encode: (text, opts) => [...(opts?.bos ? [1] : []), ...[...text].map((c) => c.codePointAt(0)! + 10)],
  bosId: 1,
  eosId: 2,
};

export function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoe-data-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function projectRoot(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * ../shared/data next to the project root (the folder holding package.json, found from this file, or from the
 * working directory when the tests were compiled elsewhere), or undefined.
 */
export function sharedData(): string | undefined {
  for (const start of [__dirname, process.cwd()]) {
    const root = projectRoot(start);
    const shared = root && path.resolve(root, '..', 'shared', 'data');
    if (shared && fs.existsSync(shared)) return shared;
  }
  return undefined;
}
