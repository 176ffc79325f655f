// Classes 1 (checkpoint headers are trusted) and 7 (special files): damaged model files and FIFOs.
import * as path from 'node:path';
import { editJson, replaceWithFifo, rewriteSafetensorsHeader, setHeaderLength } from './corrupt';
import type { BadInputRow } from './row';

const weights = (ws: { modelDir: string }) => path.join(ws.modelDir, 'model.safetensors');
const config = (ws: { modelDir: string }) => path.join(ws.modelDir, 'config.json');
const NORM = 'model.layers.0.input_layernorm.weight';
const OTHER_NORM = 'model.layers.0.post_attention_layernorm.weight';
const train = (ws: { experimentFile: string }) => ['train', '--config', ws.experimentFile, '--max-steps', '2'];

type Entry = { data_offsets?: unknown; dtype?: unknown; shape?: unknown };

function headerRow(name: string, mutate: (entry: Entry, header: Record<string, Entry>) => void, field: RegExp): BadInputRow {
  return {
    klass: 1, name, exit: 1, file: weights, field,
    arrange: (ws) => {
      rewriteSafetensorsHeader(weights(ws), (header) => mutate(header[NORM] as Entry, header as Record<string, Entry>));
      return train(ws);
    },
  };
}

function configRow(name: string, edit: (c: Record<string, unknown>) => void, field: RegExp): BadInputRow {
  return { klass: 1, name, exit: 1, file: config, field, arrange: (ws) => { editJson(config(ws), edit); return train(ws); } };
}

const offsets = (e: Entry) => e.data_offsets as [number, number];

export const modelFileRows: BadInputRow[] = [
  headerRow('safetensors: data_offsets missing', (e) => { delete e.data_offsets; }, /"data_offsets"/),
  headerRow('safetensors: negative begin (into the JSON header)', (e) => { e.data_offsets = [-64, offsets(e)[1]]; }, /"data_offsets"/),
  headerRow('safetensors: begin > end', (e) => { e.data_offsets = [offsets(e)[1], offsets(e)[0]]; }, /"data_offsets".*begins after it ends/),
  headerRow('safetensors: offsets past the data area', (e) => { e.data_offsets = [offsets(e)[0] + 1 << 20, (offsets(e)[0] + 1 << 20) + 64]; }, /data_offsets/),
  headerRow('safetensors: overlaps another tensor', (e, h) => { h[OTHER_NORM].data_offsets = [...offsets(e)]; }, /overlaps/),
  headerRow('safetensors: non-integer offsets', (e) => { e.data_offsets = [offsets(e)[0] + 0.5, offsets(e)[1]]; }, /"data_offsets"/),
  headerRow('safetensors: shape disagrees with the byte length', (e) => { e.shape = [17]; }, /shape \[17\].*"data_offsets"/),
  headerRow('safetensors: unknown dtype', (e) => { e.dtype = 'F99'; }, /"dtype"/),
  headerRow('safetensors: entry is not an object', (_e, h) => { (h as Record<string, unknown>)[NORM] = 7; }, /not an object/),
  {
    klass: 1, name: 'safetensors: header length beyond the file', exit: 1, file: weights, field: /header length/,
    arrange: (ws) => { setHeaderLength(weights(ws), 1n << 40n); return train(ws); },
  },
  configRow('config.json: num_hidden_layers 1e9', (c) => { c.num_hidden_layers = 1e9; }, /"num_hidden_layers"/),
  configRow('config.json: num_hidden_layers 1.5', (c) => { c.num_hidden_layers = 1.5; }, /"num_hidden_layers"/),
  configRow('config.json: num_hidden_layers fewer than the weights hold', (c) => { c.num_hidden_layers = 1; }, /"num_hidden_layers" is 1 but the weights hold 2/),
  configRow('config.json: hidden_size as a string', (c) => { c.hidden_size = '16'; }, /"hidden_size"/),
  configRow('config.json: vocab_size negative', (c) => { c.vocab_size = -5; }, /"vocab_size"/),
  {
    klass: 7, name: 'model path is a FIFO', exit: 1, file: (ws) => path.join(ws.dir, 'model.bin'), field: /model\.path: .*model\.bin: is a named pipe \(FIFO\); give a regular file/,
    experiment: { model: { path: 'model.bin' } },
    arrange: (ws) => { replaceWithFifo(path.join(ws.dir, 'model.bin')); return train(ws); },
  },
  {
    klass: 7, name: 'config.json is a FIFO', exit: 1, file: config, field: /named pipe/,
    arrange: (ws) => { replaceWithFifo(config(ws)); return train(ws); },
  },
  {
    klass: 7, name: 'task data file is a FIFO', exit: 1, file: (ws) => path.join(ws.dir, 'data', 'parity', 'train.json'), field: /named pipe/,
    arrange: (ws) => { replaceWithFifo(path.join(ws.dir, 'data', 'parity', 'train.json')); return train(ws); },
  },
  {
    klass: 7, name: 'experiment file is a FIFO', exit: 1, file: (ws) => ws.experimentFile, field: /named pipe/,
    arrange: (ws) => { replaceWithFifo(ws.experimentFile); return train(ws); },
  },
  {
    klass: 7, name: 'sensitivity file is a FIFO (allocate)', exit: 1, file: (ws) => path.join(ws.dir, 's.json'), field: /named pipe/,
    arrange: (ws) => { replaceWithFifo(path.join(ws.dir, 's.json')); return ['allocate', '--sensitivity', 's.json', '--out', 'map.json']; },
    unwritten: (ws) => [path.join(ws.dir, 'map.json')],
  },
];
