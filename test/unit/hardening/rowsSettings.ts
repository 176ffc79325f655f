// Classes 4 (fields without upper bounds), 5 (resume options), 6 (run folders) and 8 (messages) on `smoe train`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TinyWorkspace } from '../train/tinyWorkspace';
import { tinyExpertMap } from '../train/tinyWorkspace';
import type { BadInputRow } from './row';

const experiment = (ws: TinyWorkspace) => ws.experimentFile;
const train = (ws: TinyWorkspace, ...extra: string[]) => ['train', '--config', ws.experimentFile, '--max-steps', '2', ...extra];
const Q0 = 'model.layers.0.self_attn.q_proj';

function settingRow(klass: number, name: string, overrides: Record<string, unknown>, field: RegExp): BadInputRow {
  return { klass, name, exit: 1, file: experiment, field, experiment: overrides, arrange: (ws) => train(ws) };
}

/** A fake training run folder under `runs/` (outside .smoe/runs, which must stay unwritten). */
function fakeRun(ws: TinyWorkspace, record: string | object, lockPid?: number): string {
  const dir = path.join(ws.dir, 'runs', 'r1');
  fs.mkdirSync(path.join(dir, 'checkpoints'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'run.json'), typeof record === 'string' ? record : JSON.stringify(record));
  if (lockPid !== undefined) fs.writeFileSync(path.join(dir, 'run.lock'), `${lockPid}\n`);
  return dir;
}

const TRAIN_RECORD = { id: 'r1', kind: 'train', status: 'cancelled', pid: 1, startedAt: '', timings: {}, config: { adapter: { experts: {} }, training: { learningRate: 0.05 } } };

export const settingRows: BadInputRow[] = [
  settingRow(4, 'adapter.rank 1e9', { adapter: { rank: 1e9 } }, /adapter\.rank must be <= 1024/),
  settingRow(4, '100000 experts on one module', { experts: { [Q0]: 100000 } }, /experts\.model\.layers\.0\.self_attn\.q_proj must be <= 64/),
  settingRow(4, 'training.microBatchSize 100000', { training: { microBatchSize: 100000 } }, /training\.microBatchSize must be <= 1024/),
  settingRow(4, 'training.maxLength 1e7', { training: { maxLength: 1e7 } }, /training\.maxLength must be <= 131072/),
  settingRow(4, 'evaluation.maxNewTokens 1e6', { evaluation: { maxNewTokens: 1e6 } }, /evaluation\.maxNewTokens must be <= 4096/),
  settingRow(4, 'experts above budget.maxExperts', { experts: { ...tinyExpertMap(), [Q0]: 7 }, budget: { maxExperts: 4 } }, /has 7 experts, more than budget\.maxExperts 4/),
  settingRow(4, 'experts below budget.minExperts', { experts: { ...tinyExpertMap(), [Q0]: 1 }, budget: { minExperts: 2 } }, /has 1 experts, fewer than budget\.minExperts 2/),
  settingRow(4, 'an expert map over its expert budget', { budget: { kind: 'experts', value: 5 } }, /over the budget of 5/),
  settingRow(4, 'an expert map naming a layer the model lacks', { experts: { 'model.layers.7.self_attn.q_proj': 2 } }, /"model\.layers\.7\.self_attn\.q_proj" is not a module of the model/),
  {
    klass: 4, name: 'an expert map file over maxExperts', exit: 1, file: experiment, field: /more than budget\.maxExperts 8/, experiment: { experts: 'map.json' },
    arrange: (ws) => { fs.writeFileSync(path.join(ws.dir, 'map.json'), JSON.stringify({ [Q0]: 50 })); return train(ws); },
  },
  {
    klass: 5, name: '--from-checkpoint names a step the run lacks', exit: 1, file: (ws) => path.join(ws.dir, 'runs', 'r1', 'checkpoints'), field: /--from-checkpoint step-99: .* has no such checkpoint/,
    arrange: (ws) => train(ws, '--resume', fakeRun(ws, TRAIN_RECORD), '--from-checkpoint', 'step-99'),
  },
  {
    klass: 5, name: '--resume a folder whose run.json is not JSON', exit: 1, file: (ws) => path.join(ws.dir, 'runs', 'r1', 'run.json'), field: /cannot be read as JSON/,
    arrange: (ws) => train(ws, '--resume', fakeRun(ws, '{"kind": "train", ')),
  },
  {
    klass: 6, name: '--resume a run another live process holds', exit: 1, file: (ws) => path.join(ws.dir, 'runs', 'r1'), field: new RegExp(`in use by process ${process.pid}, which is still running`),
    arrange: (ws) => train(ws, '--resume', fakeRun(ws, TRAIN_RECORD, process.pid)),
  },
  {
    klass: 8, name: 'experiment syntax error names line and column', exit: 1, file: experiment, field: /JSON syntax: .* at line 2, column/,
    arrange: (ws) => { fs.writeFileSync(ws.experimentFile, '{\n  "name": ,\n}'); return train(ws); },
  },
  {
    klass: 8, name: 'an experts file that is not JSON names the field', exit: 1, file: experiment, field: /field "experts" \("map\.json"\) cannot be read as JSON/, experiment: { experts: 'map.json' },
    arrange: (ws) => { fs.writeFileSync(path.join(ws.dir, 'map.json'), '{oops'); return train(ws); },
  },
  {
    klass: 8, name: 'a missing task file names the file and the fix', exit: 1, file: (ws) => path.join(ws.dir, 'data', 'parity', 'train.json'), field: /does not exist; check the task's data path/,
    arrange: (ws) => { fs.rmSync(path.join(ws.dir, 'data', 'parity', 'train.json')); return train(ws); },
  },
];
