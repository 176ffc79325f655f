import * as fs from 'node:fs';
import * as path from 'node:path';

const RELATIVE = path.join('chart.js', 'dist', 'chart.umd.js');

/**
 * Where chart.js's UMD build may sit: beside the bundle (dist/), in the install folder's node_modules
 * (the CLI from a clone, the extension when the .vsix keeps it), or wherever Node resolves it (tests).
 */
function candidates(): string[] {
  const found: string[] = [path.join(__dirname, 'chart.umd.js')];
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) found.push(path.join(dir, 'node_modules', RELATIVE));
  try {
    // The package's exports hide dist/chart.umd.js, so resolve its main file and look beside it.
    found.push(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js'));
  } catch {
    // Not resolvable from here: the candidates above are all there is.
  }
  return found;
}

/** chart.js's UMD source, inlined into report.html so the report works offline and from a file:// URL. */
export function loadChartSource(): string {
  const source = findChartSource();
  if (source === undefined) throw new Error(`report.html needs chart.js (${RELATIVE}); looked in ${candidates().join(', ')}. Run \`npm ci\` in the install folder.`);
  return source;
}

/** The source, or undefined when no candidate exists (the demo then writes a report without charts). */
export function findChartSource(): string | undefined {
  const file = candidates().find((f) => fs.existsSync(f));
  return file === undefined ? undefined : fs.readFileSync(file, 'utf8');
}
