import { isObject } from '../lenient';
import { problem, type ExperimentProblem } from '../problems';

/** Sections a quick fix can add with their schema defaults; model and tasks are required, the rest optional. */
export const SECTION_KEYS = ['model', 'tasks', 'adapter', 'budget', 'probe', 'allocation', 'training', 'evaluation'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];
const REQUIRED: ReadonlySet<SectionKey> = new Set<SectionKey>(['model', 'tasks']);

/** A missing required section is an error; a missing optional one is a hint that offers its defaults. */
export function checkSections(raw: unknown): ExperimentProblem[] {
  if (!isObject(raw)) return [];
  return SECTION_KEYS.filter((key) => !(key in raw)).map((key) =>
    REQUIRED.has(key)
      ? problem('missing-section', 'error', [key], `the experiment has no "${key}" section, which is required; add it (quick fix: a section with placeholders to fill in).`)
      : problem('missing-section', 'hint', [key], `no "${key}" section: its defaults apply; add it to see and change them (quick fix).`),
  );
}
