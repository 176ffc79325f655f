// Where a graph's weights come from: in-memory tensors, slices of the checkpoint files (no copy), or graph inputs.
import type { Graph, Tensor } from '../../engine';
import type { ModelConfig } from '../config';
import type { LocatedCheckpoint } from '../load';
import { fileSliceOf } from '../safetensors';
import { weightSpecs, type LoadedModel } from '../weights';

/** Returns the float32 tensor of a weight by its HF name, creating it on first use. */
export type WeightLookup = (name: string) => Tensor;

/** A model as the decoder builder accepts it: loaded into memory, or located in its files. */
export type ModelWeights = LoadedModel | LocatedCheckpoint;

export function isLoaded(model: ModelWeights): model is LoadedModel {
  return (model as LoadedModel).tensors !== undefined;
}

function memoised(make: (name: string) => Tensor): WeightLookup {
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
  if (isLoaded(model)) {
    return memoised((name) => {
      const t = model.tensors.get(name);
      if (!t) throw new Error(`the model has no tensor ${name}`);
      return g.initializer(name, { dtype: 'float32', dims: t.dims, data: t.data });
    });
  }
  return memoised((name) => {
    const location = model.locations.get(name);
    if (!location) throw new Error(`${model.path}: missing tensor ${name}`);
    const stored = g.initializer(name, fileSliceOf(location));
    return location.dtype === 'F32' ? stored : g.cast(stored, 'float32');
  });
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
