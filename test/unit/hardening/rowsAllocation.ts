// Class 3 (allocation accepts sensitivity data that does not fit the model): `smoe allocate --model` on the tiny
// 2-layer model; the expert map must not be written.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TinyWorkspace } from '../train/tinyWorkspace';
import type { BadInputRow } from './row';

const sensitivity = (ws: TinyWorkspace) => path.join(ws.dir, 'sensitivity.json');
const out = (ws: TinyWorkspace) => [path.join(ws.dir, 'map.json')];
const attention = (layers: number) => Array.from({ length: layers }, (_, l) => ['q_proj', 'k_proj', 'v_proj', 'o_proj'].map((t) => `model.layers.${l}.self_attn.${t}`)).flat();
const values = (names: string[]) => Object.fromEntries(names.map((n, i) => [n, 1 + i]));

function tableRow(name: string, text: (ws: TinyWorkspace) => string, field: RegExp, extra: string[] = []): BadInputRow {
  return {
    klass: 3, name, exit: 1, file: sensitivity, field, unwritten: out,
    arrange: (ws) => {
      fs.writeFileSync(sensitivity(ws), text(ws));
      return ['allocate', '--sensitivity', 'sensitivity.json', '--model', 'model', '--out', 'map.json', ...extra];
    },
  };
}

const table = (tasks: Record<string, Record<string, unknown>>) => () => JSON.stringify({ tasks });

export const allocationRows: BadInputRow[] = [
  tableRow('a negative sensitivity', table({ a: { ...values(attention(2)), 'model.layers.1.self_attn.q_proj': -3 } }), /"model\.layers\.1\.self_attn\.q_proj" is -3.*cannot be negative/),
  tableRow('a table for a 36-layer model against a 2-layer model', table({ a: values(attention(36)), b: values(attention(36)) }), /layers 2\.\.35, which the model \(2 layers\) does not have/),
  tableRow('renamed modules that match nothing', table({ a: values(attention(2).map((n) => n.replace('self_attn', 'attn'))) }), /8 name\(s\) are not module names like model\.layers\.0\.self_attn\.q_proj: model\.layers\.0\.attn\./),
  tableRow('candidate modules no task measured', table({ a: values(attention(2).filter((n) => n.includes('q_proj'))) }), /no task has a value for 6 of the 8 candidate modules: model\.layers\.0\.self_attn\.k_proj/),
  tableRow('a NaN sensitivity written as null by a broken probe', table({ a: { ...values(attention(2)), 'model.layers.0.self_attn.v_proj': null } }), /tasks\.a: "model\.layers\.0\.self_attn\.v_proj" is null, not a finite number/),
  tableRow('an infinite sensitivity (1e999)', () => `{"tasks": {"a": {"model.layers.0.self_attn.q_proj": 1e999}}}`, /"model\.layers\.0\.self_attn\.q_proj" is null, not a finite number|Infinity/),
  tableRow('no tasks at all', table({}), /field "tasks" holds no task/),
  tableRow('tasks is not an object', () => JSON.stringify({ tasks: [1, 2] }), /has no "tasks" object/),
];
