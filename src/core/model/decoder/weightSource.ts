// Where a graph's weights come from: in-memory tensors, slices of the checkpoint files (no copy), or graph inputs.
import type { Graph, Tensor } from '../../engine';
import type { ModelConfig } from '../config';
import type { LocatedCheckpoint } from '../load';
import { fileSliceOf } from '../safetensors';
import { weightSpecs, type LoadedModel } from '../weights';

/**
 * Returns the float32 tensor of a weight by its HF name, creating it on first use. Frozen weights can also be
 * read by rows: a block of rows, or the rows at some ids (gathered in the stored precision, then widened).
 */
export type WeightLookup = ((name: string) => Tensor) & {
  rows?: (name: string, start: number, end: number) => Tensor;
  gatherRows?: (name: string, ids: Tensor) => Tensor;
};

/** A model as the decoder builder accepts it: loaded into memory, or located in its files. */
export type ModelWeights = LoadedModel | LocatedCheckpoint;

export function isLoaded(model: ModelWeights): model is LoadedModel {
  return (model as LoadedModel).tensors !== undefined;
}

function memoised(make: (name: string) => Tensor): (name: string) => Tensor {
  const made = new Map<string, Tensor>();
  return (name) => {
    let t = made.get(name);
    if (!t) made.set(name, (t = make(name)));
    return t;
  };
}

/**
 * Frozen weights as initializers: a loaded model's arrays, or for a located checkpoint FileSlice initializers
 * pointing into its files (F16/BF16 cast to float32 inside the graph).
 */
export function frozenWeights(g: Graph, model: ModelWeights): WeightLookup {
  return isLoaded(model) ? loadedWeights(g, model) : locatedWeights(g, model);
}

function loadedWeights(g: Graph, model: LoadedModel): WeightLookup {
  const tensorOf = (name: string) => {
    const t = model.tensors.get(name);
    if (!t) throw new Error(`the model has no tensor ${name}`);
    return t;
  };
  const lookup: WeightLookup = memoised((name) => g.initializer(name, { dtype: 'float32', dims: tensorOf(name).dims, data: tensorOf(name).data }));
  lookup.rows = memoisedRows((name, start, end) => {
    const { dims, data } = tensorOf(name);
    return g.initializer(`${name}.rows_${start}_${end}`, { dtype: 'float32', dims: [end - start, dims[1]], data: data.subarray(start * dims[1], end * dims[1]) });
  });
  lookup.gatherRows = (name, ids) => g.gather(lookup(name), ids, 0);
  return lookup;
}

/** Slices of the checkpoint files; 16-bit ones are widened where used, so only one layer's float32 copy exists at a time. */
function locatedWeights(g: Graph, model: LocatedCheckpoint): WeightLookup {
  const locationOf = (name: string) => {
    const location = model.locations.get(name);
    if (!location) throw new Error(`${model.path}: missing tensor ${name}`);
    return location;
  };
  const widened = (t: Tensor) => (t.dtype === 'float32' ? t : g.cast(t, 'float32'));
  const stored = memoised((name) => g.initializer(name, fileSliceOf(locationOf(name))));
  const lookup: WeightLookup = memoised((name) => widened(stored(name)));
  lookup.rows = memoisedRows((name, start, end) => {
    const location = locationOf(name);
    const rowBytes = location.length / location.dims[0];
    const slice = { ...location, dims: [end - start, location.dims[1]], offset: location.offset + start * rowBytes, length: (end - start) * rowBytes };
    return widened(g.initializer(`${name}.rows_${start}_${end}`, fileSliceOf(slice)));
  });
  lookup.gatherRows = (name, ids) => widened(g.gather(stored(name), ids, 0));
  return lookup;
}

function memoisedRows(make: (name: string, start: number, end: number) => Tensor): NonNullable<WeightLookup['rows']> {
  const made = memoised((key) => {
    const [name, start, end] = key.split('|');
    return make(name, Number(start), Number(end));
  });
  return (name, start, end) => made(`${name}|${start}|${end}`);
}

/** Every weight as a float32 graph input named after it (full-parameter training feeds and differentiates them). */
export function inputWeights(g: Graph, config: ModelConfig): { lookup: WeightLookup; inputs: Map<string, Tensor> } {
  const inputs = new Map<string, Tensor>();
  for (const spec of weightSpecs(config)) inputs.set(spec.name, g.input(spec.name, 'float32', spec.dims));
  return {
    inputs,
    lookup: (name) => {
      const t = inputs.get(name);
      if (!t) throw new Error(`no weight input ${name}`);
      return t;
    },
  };
}
