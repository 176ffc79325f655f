// sensitivity-examples.json: the probe's per-example values ||dL_e/dW||² (after clipping), beside sensitivity.json,
// so stability can be measured by resampling them later without any new gradient work.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProbeSamples } from './stability';
import { AllocationError } from './types';

export const PROBE_SAMPLES_FILE = 'sensitivity-examples.json';

/** One probed example: its record index in the task's file and its value per module (the task's module order). */
export interface ProbedExample {
  index: number;
  values: number[];
}

export interface ProbeSamplesFile {
  tasks: Record<string, { modules: string[]; examples: ProbedExample[] }>;
}

export function writeProbeSamples(file: string, samples: ProbeSamplesFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(samples)}\n`);
  fs.renameSync(temporary, file);
}

/** The samples of a probe run folder (or a sensitivity-examples.json); undefined when the probe stored none. */
export function readProbeSamples(location: string): ProbeSamples | undefined {
  const file = fs.existsSync(location) && fs.statSync(location).isDirectory() ? path.join(location, PROBE_SAMPLES_FILE) : location;
  if (!fs.existsSync(file)) return undefined;
  let parsed: ProbeSamplesFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as ProbeSamplesFile;
  } catch (error) {
    throw new AllocationError(`${file} is not valid JSON (${(error as Error).message}); rerun the probe to rewrite it`);
  }
  const tasks: ProbeSamples['tasks'] = {};
  for (const [task, t] of Object.entries(parsed.tasks ?? {})) {
    if (!Array.isArray(t.modules) || !Array.isArray(t.examples)) throw new AllocationError(`${file}: tasks.${task} needs "modules" and "examples" arrays; rerun the probe`);
    tasks[task] = { modules: t.modules, rows: t.examples.map((e) => e.values) };
  }
  return { tasks };
}

/** The stability hint a probe run left beside its sensitivity.json (stability.json), if any. */
export function stabilityHintBeside(sensitivityLocation: string): string | undefined {
  const dir = fs.existsSync(sensitivityLocation) && fs.statSync(sensitivityLocation).isDirectory() ? sensitivityLocation : path.dirname(sensitivityLocation);
  try {
    const hint = (JSON.parse(fs.readFileSync(path.join(dir, 'stability.json'), 'utf8')) as { hint?: unknown }).hint;
    return typeof hint === 'string' && hint !== '' ? hint : undefined;
  } catch {
    return undefined;
  }
}
