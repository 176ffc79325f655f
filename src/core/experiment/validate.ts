import type { SchemaNode } from './schema';

export type JsonPath = (string | number)[];

/** One schema violation, located by its JSON path (the editor maps paths to ranges). */
export interface SchemaProblem {
  path: JsonPath;
  message: string;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === 'number' && actual === 'integer');
}

function checkNumber(node: SchemaNode, value: number, path: JsonPath, out: SchemaProblem[]): void {
  const fail = (what: string) => out.push({ path, message: `must be ${what} (got ${value})` });
  if (node.minimum !== undefined && value < node.minimum) fail(`>= ${node.minimum}`);
  if (node.maximum !== undefined && value > node.maximum) fail(`<= ${node.maximum}`);
  if (node.exclusiveMinimum !== undefined && value <= node.exclusiveMinimum) fail(`> ${node.exclusiveMinimum}`);
  if (node.exclusiveMaximum !== undefined && value >= node.exclusiveMaximum) fail(`< ${node.exclusiveMaximum}`);
}

function checkString(node: SchemaNode, value: string, path: JsonPath, out: SchemaProblem[]): void {
  if (node.minLength !== undefined && value.length < node.minLength) out.push({ path, message: 'must not be empty' });
  if (node.pattern !== undefined && !new RegExp(node.pattern).test(value)) {
    out.push({ path, message: `must match ${node.pattern}` });
  }
}

function checkArray(node: SchemaNode, value: unknown[], path: JsonPath, out: SchemaProblem[]): void {
  if (node.minItems !== undefined && value.length < node.minItems) out.push({ path, message: `needs at least ${node.minItems} item(s)` });
  if (node.maxItems !== undefined && value.length > node.maxItems) out.push({ path, message: `takes at most ${node.maxItems} items` });
  if (node.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
    out.push({ path, message: 'must not repeat items' });
  }
  if (node.items) value.forEach((item, i) => validateAgainst(node.items as SchemaNode, item, [...path, i], out));
}

function checkObject(node: SchemaNode, value: Record<string, unknown>, path: JsonPath, out: SchemaProblem[]): void {
  for (const key of node.required ?? []) {
    if (!(key in value)) out.push({ path, message: `is missing the required field "${key}"` });
  }
  for (const [key, child] of Object.entries(value)) {
    const known = node.properties?.[key];
    if (node.propertyNames) validateAgainst(node.propertyNames, key, [...path, key], out);
    if (known) validateAgainst(known, child, [...path, key], out);
    else if (typeof node.additionalProperties === 'object') validateAgainst(node.additionalProperties, child, [...path, key], out);
    else if (node.additionalProperties === false) out.push({ path: [...path, key], message: `is not a known field` });
  }
}

/** Validates a value against the schema subset we use; appends problems to `out`. */
export function validateAgainst(node: SchemaNode, value: unknown, path: JsonPath, out: SchemaProblem[]): void {
  if (node.oneOf) {
    validateOneOf(node.oneOf, value, path, out);
    return;
  }
  if (node.enum && !node.enum.some((e) => e === value)) {
    out.push({ path, message: `must be one of ${node.enum.map((e) => JSON.stringify(e)).join(', ')}` });
    return;
  }
  if (node.type !== undefined && !typeMatchesAny(node, value)) {
    const expected = Array.isArray(node.type) ? node.type.join(' or ') : node.type;
    out.push({ path, message: `must be ${expected === 'integer' ? 'an integer' : `a ${expected}`} (got ${typeOf(value)})` });
    return;
  }
  if (typeof value === 'number') checkNumber(node, value, path, out);
  else if (typeof value === 'string') checkString(node, value, path, out);
  else if (Array.isArray(value)) checkArray(node, value, path, out);
  else if (value !== null && typeof value === 'object') checkObject(node, value as Record<string, unknown>, path, out);
}

/** Passes when any option passes; otherwise reports the problems of the option whose type fits best. */
function validateOneOf(options: SchemaNode[], value: unknown, path: JsonPath, out: SchemaProblem[]): void {
  const passes = (option: SchemaNode) => {
    const trial: SchemaProblem[] = [];
    validateAgainst(option, value, path, trial);
    return trial.length === 0;
  };
  if (options.some(passes)) return;
  validateAgainst(options.find((o) => typeMatchesAny(o, value)) ?? options[0], value, path, out);
}

function typeMatchesAny(node: SchemaNode, value: unknown): boolean {
  if (node.type === undefined) return true;
  const types = Array.isArray(node.type) ? node.type : [node.type];
  return types.some((t) => typeMatches(t, typeOf(value)));
}

/** `training.betas[1]` style rendering of a JSON path for messages. */
export function formatPath(path: JsonPath): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${key}` : key), '');
}
