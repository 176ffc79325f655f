import type { ExperimentFacts } from '../facts';
import { isObject } from '../lenient';
import { problem, type ExperimentProblem } from '../problems';

const MODEL_HINT = 'point model.path at a Hugging Face model folder (config.json + *.safetensors) or a llama2.c checkpoint (.bin)';

/** model.path exists, is readable and of a known format (the facts carry what the header reader found). */
export function checkModel(raw: unknown, facts: ExperimentFacts): ExperimentProblem[] {
  const model = isObject(raw) ? raw.model : undefined;
  if (!isObject(model) || typeof model.path !== 'string' || model.path === '') return [];
  const where = ['model', 'path'];
  const resolved = facts.resolve(model.path);
  if (!facts.exists(resolved)) {
    return [problem('model-missing', 'error', where, `model.path "${model.path}" does not exist (${resolved}); ${MODEL_HINT}.`)];
  }
  const found = facts.model;
  if (!found || found.status === 'ok') return formatMismatch(model.format, found?.status === 'ok' ? found.format : undefined);
  if (found.status === 'unknown-format') {
    return [problem('model-format', 'error', where, `model.path "${model.path}" is not a model this extension reads: ${found.detail}; ${MODEL_HINT}.`)];
  }
  const code = found.status === 'missing' ? 'model-missing' : 'model-unreadable';
  return [problem(code, 'error', where, `model.path "${model.path}" cannot be read: ${found.detail}. Fix or replace the model files.`)];
}

function formatMismatch(declared: unknown, detected: string | undefined): ExperimentProblem[] {
  if (detected === undefined || declared === undefined || declared === 'auto' || declared === detected) return [];
  return [
    problem('model-format', 'error', ['model', 'format'], `model.format is "${String(declared)}" but model.path holds a ${detected} checkpoint; set model.format to "${detected}" or "auto".`),
  ];
}
