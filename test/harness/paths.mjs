// Where things live, resolved once from this file so scripts work from any cwd.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const hostDir = path.join(repoRoot, 'test', 'host');
export const codeServerEntry = path.join(hostDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const resultsDir = path.join(repoRoot, 'test-results');
export const outDir = path.join(repoRoot, 'out');
export const vsixPath = path.join(repoRoot, 'smoe-studio.vsix');
