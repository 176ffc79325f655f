import { applyEdits, findNodeAtLocation, modify, parseTree, type Edit, type FormattingOptions, type JSONPath } from 'jsonc-parser';
import { JSONC_OPTIONS } from './positions';

export type { Edit, FormattingOptions };

/** Top-level keys in the order the schema lists them: new sections go where a reader expects them. */
const KEY_ORDER = ['$schema', 'name', 'model', 'tasks', 'adapter', 'budget', 'probe', 'allocation', 'experts', 'training', 'evaluation', 'device', 'threads'];

function insertionIndexFor(key: string): (existing: string[]) => number {
  const rank = KEY_ORDER.indexOf(key);
  return (existing) => {
    let index = 0;
    existing.forEach((name, i) => {
      const other = KEY_ORDER.indexOf(name);
      if (other !== -1 && other < rank) index = i + 1;
    });
    return index;
  };
}

/** Sets (or inserts, at its schema position) one value; only that value's text changes. */
export function setValueEdits(text: string, path: JSONPath, value: unknown, formattingOptions: FormattingOptions): Edit[] {
  const top = path.length === 1 && typeof path[0] === 'string' ? path[0] : undefined;
  return modify(text, path, value, { formattingOptions, getInsertionIndex: top ? insertionIndexFor(top) : undefined });
}

/** Removes properties of the object at `parent`, one after another, folded into one minimal edit. */
export function removePropertiesEdits(text: string, parent: JSONPath, names: readonly string[], formattingOptions: FormattingOptions): Edit[] {
  let next = text;
  for (const name of names) {
    const tree = parseTree(next, [], JSONC_OPTIONS);
    if (!tree || !findNodeAtLocation(tree, [...parent, name])) continue;
    next = applyEdits(next, modify(next, [...parent, name], undefined, { formattingOptions }));
  }
  const edit = minimalEdit(text, next);
  return edit ? [edit] : [];
}

/** The single edit that turns `before` into `after`: the differing middle between their common prefix and suffix. */
export function minimalEdit(before: string, after: string): Edit | undefined {
  if (before === after) return undefined;
  let start = 0;
  const shortest = Math.min(before.length, after.length);
  while (start < shortest && before[start] === after[start]) start++;
  let end = 0;
  while (end < shortest - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { offset: start, length: before.length - start - end, content: after.slice(start, after.length - end) };
}

export { applyEdits };

/** One value to set at a JSON path. */
export interface ValueChange {
  path: JSONPath;
  value: unknown;
}

/** Several values set one after another, folded into one minimal edit (one undo step, nothing else reformatted). */
export function setValuesEdits(text: string, changes: readonly ValueChange[], formattingOptions: FormattingOptions): Edit[] {
  let next = text;
  for (const change of changes) next = applyEdits(next, setValueEdits(next, change.path, change.value, formattingOptions));
  const edit = minimalEdit(text, next);
  return edit ? [edit] : [];
}
