import type { ExperimentFacts } from '../facts';
import type { ExperimentProblem } from '../problems';
import { checkAdapter } from './adapter';
import { checkExperts } from './experts';
import { checkModel } from './model';
import { checkSections } from './sections';
import { checkTasks } from './tasks';

export { SECTION_KEYS, type SectionKey } from './sections';

/**
 * Every semantic check of an experiment value (possibly half-typed: the user is typing). Schema shape errors are
 * the JSON language service's (and the CLI loader's) business; these are the problems only we can see.
 */
export function checkExperiment(raw: unknown, facts: ExperimentFacts): ExperimentProblem[] {
  return [...checkSections(raw), ...checkModel(raw, facts), ...checkTasks(raw, facts), ...checkAdapter(raw, facts), ...checkExperts(raw, facts)];
}
