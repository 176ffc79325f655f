// eval.json of an evaluation run and its per-example outcomes: read by sweeps' comparisons and the demo without
// loading the engine (the extension host reads them too).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PerExample } from '../stats';
import type { EvalReport } from '../train/evalReport';

export const EVAL_FILE = 'eval.json';

/** Per task, the per-example outcomes an evaluation run stored in eval.json (none when absent or older). */
export function readPerExample(runDir: string): PerExample {
  const file = path.join(runDir, EVAL_FILE);
  if (!fs.existsSync(file)) return {};
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<EvalReport>;
  return Object.fromEntries(Object.entries(report.tasks ?? {}).flatMap(([task, t]) => (t.perExample ? [[task, t.perExample]] : [])));
}
