import { isModuleType, moduleShape, type ModelConfig, type ModuleType } from '../../model/config';
import type { ExperimentFacts } from '../facts';
import { numberOr, sectionOf, type Loose } from '../lenient';
import { problem, type ExperimentProblem, type ProblemCode } from '../problems';
import { schemaAt } from '../schema';
import { validateAgainst, type SchemaProblem } from '../validate';

const FIELDS: { key: 'rank' | 'alpha' | 'topK'; code: ProblemCode; fix: string }[] = [
  { key: 'rank', code: 'invalid-rank', fix: 'use a positive integer such as 8' },
  { key: 'alpha', code: 'invalid-alpha', fix: 'use a positive number such as 16 (the output is scaled by alpha / rank)' },
  { key: 'topK', code: 'invalid-top-k', fix: 'use a positive integer no larger than the experts per module' },
];

/** adapter.rank / alpha / topK: the schema's limits (same validator as the CLI) plus what the model and budget imply. */
export function checkAdapter(raw: unknown, facts: ExperimentFacts): ExperimentProblem[] {
  const adapter = sectionOf(raw, 'adapter');
  const out = FIELDS.flatMap((field) => schemaLimits(adapter, field));
  if (out.some((p) => p.code === 'invalid-rank')) return out;
  if (facts.model?.status === 'ok') out.push(...rankWithinWidth(adapter, facts.model.config));
  out.push(...topKWithinExperts(adapter, sectionOf(raw, 'budget')));
  return out;
}

function schemaLimits(adapter: Loose, field: (typeof FIELDS)[number]): ExperimentProblem[] {
  if (!(field.key in adapter)) return [];
  const found: SchemaProblem[] = [];
  validateAgainst(schemaAt(['adapter', field.key])!, adapter[field.key], ['adapter', field.key], found);
  return found.map((p) => problem(field.code, 'error', p.path, `adapter.${field.key} ${p.message}; ${field.fix}.`));
}

function rankWithinWidth(adapter: Loose, config: ModelConfig): ExperimentProblem[] {
  if (typeof adapter.rank !== 'number') return [];
  const targets = Array.isArray(adapter.targetModules) ? adapter.targetModules : ['q_proj', 'k_proj', 'v_proj', 'o_proj'];
  const widths = targets.filter((t): t is ModuleType => typeof t === 'string' && isModuleType(t)).map((type) => {
    const { dIn, dOut } = moduleShape(config, type);
    return { type, width: Math.min(dIn, dOut) };
  });
  const narrowest = widths.sort((a, b) => a.width - b.width)[0];
  if (!narrowest || adapter.rank <= narrowest.width) return [];
  return [
    problem('invalid-rank', 'warning', ['adapter', 'rank'], `adapter.rank ${adapter.rank} exceeds min(d_in, d_out) = ${narrowest.width} of ${narrowest.type}: the extra rank adds parameters but no capacity; lower adapter.rank to at most ${narrowest.width}.`),
  ];
}

function topKWithinExperts(adapter: Loose, budget: Loose): ExperimentProblem[] {
  if (adapter.style !== 'independent' || typeof adapter.topK !== 'number') return [];
  const maxExperts = numberOr(budget, 'maxExperts', 8);
  if (adapter.topK <= maxExperts) return [];
  return [
    problem('invalid-top-k', 'warning', ['adapter', 'topK'], `adapter.topK ${adapter.topK} exceeds budget.maxExperts ${maxExperts}: every token would use every expert; lower adapter.topK to at most ${maxExperts}.`),
  ];
}
