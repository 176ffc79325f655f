// Does a sensitivity table fit the model and the candidate modules? A table made for another model (the authors'
// 36-layer files against a 2-layer model), renamed modules or unmeasured candidates would otherwise still give an
// expert map, sometimes an empty one. The mismatch is spelled out: which layers, modules and tasks.
import { parseModuleName, type ModelConfig } from '../model/config';
import { tableModules } from './modules';
import { AllocationError, type SensitivityTable } from './types';

const SHOWN = 4;

function list(names: readonly string[]): string {
  const head = names.slice(0, SHOWN).join(', ');
  return names.length > SHOWN ? `${head} and ${names.length - SHOWN} more` : head;
}

function layerSpan(layers: readonly number[]): string {
  const sorted = [...new Set(layers)].sort((a, b) => a - b);
  return sorted.length === 1 ? `layer ${sorted[0]}` : `layers ${sorted[0]}..${sorted.at(-1)}`;
}

/** Names in the table that no model can have, or (with a model) that this model does not have. */
function extraModules(names: readonly string[], model: ModelConfig | undefined): string[] {
  const problems: string[] = [];
  const unparsed = names.filter((name) => !parseModuleName(name));
  if (unparsed.length > 0) problems.push(`${unparsed.length} name(s) are not module names like model.layers.0.self_attn.q_proj: ${list(unparsed)}`);
  if (!model) return problems;
  const beyond = names.map((name) => parseModuleName(name)?.layer).filter((l): l is number => l !== undefined && l >= model.numLayers);
  if (beyond.length > 0) problems.push(`it measures ${layerSpan(beyond)}, which the model (${model.numLayers} layers) does not have: it was made for another model`);
  return problems;
}

/**
 * Candidates no task measured (they could only ever get zero votes). A task may cover fewer layers than another:
 * the authors' boolq file stops at layer 27 of 36, and each task votes over what it measured.
 */
function unmeasured(table: SensitivityTable, candidates: readonly string[]): string[] {
  const measured = new Set(tableModules(table));
  const missing = candidates.filter((name) => !measured.has(name));
  return missing.length > 0 ? [`no task has a value for ${missing.length} of the ${candidates.length} candidate modules: ${list(missing)}`] : [];
}

/** The table does not fit the model or the candidates; the CLI prefixes the table's file. */
export class TableMismatchError extends AllocationError {
  constructor(message: string) {
    super(message);
    this.name = 'TableMismatchError';
  }
}

/** Throws a TableMismatchError spelling out every mismatch; silent when the table fits. */
export function checkTableFits(table: SensitivityTable, candidates: readonly string[], model: ModelConfig | undefined): void {
  if (Object.keys(table.tasks).length === 0) throw new TableMismatchError('field "tasks" holds no task; probe at least one task');
  const problems = [...extraModules(tableModules(table), model), ...unmeasured(table, candidates)];
  if (problems.length === 0) return;
  throw new TableMismatchError(`the sensitivity table does not fit the ${model ? 'model' : 'candidate modules'}: ${problems.join('; ')}. Probe this model again, or restrict the module types (--modules / adapter.targetModules) to those the table measured`);
}
