// The training graph: decoder with adapters -> response-only cross-entropy (+ balance loss) -> gradients of
// every adapter tensor, plus what the step event reports (per-example loss sums, router load).
import { crossEntropy, EngineSession, Graph, gradients, type CrossEntropyOptions, type EngineSessionOptions, type Tensor } from '../engine';
import { AdapterGraph } from '../model/adapters/adapterGraph';
import type { AdaptedModule, LoraMoeConfig } from '../model/adapters/config';
import type { ProjectionAdapter } from '../model/decoder/layer';

export interface LogitsOptions {
  /** Recompute each layer in the backward pass instead of keeping its activations (buildDecoder's `recompute`). */
  recompute?: boolean;
}

/** Builds logits [batch, seq, vocab] for `inputIds`, passing every projection through `hook` (the model's hook type) when given. */
export type LogitsBuilder = (g: Graph, inputIds: Tensor, hook?: ProjectionAdapter, options?: LogitsOptions) => Tensor;

/** Opens a session over a graph that holds the model's weights (BaseModel.openSession; default: in memory). */
export type SessionOpener = (g: Graph, options: EngineSessionOptions) => Promise<EngineSession>;

export const openInMemory: SessionOpener = (g, options) => EngineSession.fromGraph(g, options);

export const FEED = { inputIds: 'input_ids', labels: 'labels', tokenMask: 'token_mask' } as const;
export const FETCH = { loss: 'loss', ceLoss: 'ce_loss', exampleLossSum: 'example_loss_sum' } as const;

export interface RouterLoadNames {
  module: string;
  meanGate: string;
  selection?: string;
}

export interface TrainGraph {
  session: EngineSession;
  adapters: AdapterGraph;
  /** Parameter name -> name of its gradient output. */
  gradientNames: Map<string, string>;
  /** Modules whose dropout mask is fed, with the mask's input name and d_in. */
  dropoutInputs: { module: string; name: string; dIn: number }[];
  loads: RouterLoadNames[];
  /** Every output the step fetches. */
  fetch: string[];
}

/** How the logits are built, and whether the LM head runs on the scored rows only (data/batch.ts picksScoredRows). */
export type GraphOptions = LogitsOptions & Pick<CrossEntropyOptions, 'scoredRowsOnly'>;

/** What the graph computes, before it becomes a session (tests inspect it). */
export function buildTrainGraph(config: LoraMoeConfig, modules: readonly AdaptedModule[], buildLogits: LogitsBuilder, options: { training?: boolean } & GraphOptions = {}) {
  const g = new Graph('train_step');
  const inputIds = g.input(FEED.inputIds, 'int64', ['batch', 'seq']);
  const labels = g.input(FEED.labels, 'int64', ['batch', 'seq']);
  const tokenMask = g.input(FEED.tokenMask, 'float32', ['batch', 'seq']);
  const adapters = new AdapterGraph(g, config, modules, { training: options.training ?? true, tokenMask });
  const logits = buildLogits(g, inputIds, adapters.hook, { recompute: options.recompute });
  adapters.checkAllApplied();
  const ce = crossEntropy(g, logits, labels, { shift: true, reduction: 'mean', scoredRowsOnly: options.scoredRowsOnly });
  const balance = adapters.totalBalanceLoss();
  const loss = balance ? g.add(ce.loss, balance) : g.identity(ce.loss);
  g.output(loss, FETCH.loss);
  g.output(ce.loss, FETCH.ceLoss);
  g.output(g.reduceSum(ce.tokenLoss, [-1], false), FETCH.exampleLossSum);
  const params = [...adapters.inputs.values()];
  const grads = gradients(g, loss, params);
  const gradientNames = new Map(params.map((p, i) => [p.name, g.output(grads[i]).name]));
  const loads: RouterLoadNames[] = [];
  for (const [module, load] of adapters.loads) {
    const meanGate = g.output(load.meanGate, `router_gate.${module}`).name;
    const selection = load.selection ? g.output(load.selection, `router_selection.${module}`).name : undefined;
    loads.push({ module, meanGate, selection });
  }
  const dropoutInputs = [...adapters.dropoutMasks].map(([module, t]) => ({ module, name: t.name, dIn: Number(t.shape[t.rank - 1]) }));
  return { g, adapters, gradientNames, loads, dropoutInputs };
}

export async function createTrainGraph(
  config: LoraMoeConfig, modules: readonly AdaptedModule[], buildLogits: LogitsBuilder, sessionOptions: EngineSessionOptions, openSession: SessionOpener = openInMemory,
  logits: GraphOptions = {},
): Promise<TrainGraph> {
  const built = buildTrainGraph(config, modules, buildLogits, logits);
  const session = await openSession(built.g, sessionOptions);
  const fetch = [FETCH.loss, FETCH.ceLoss, FETCH.exampleLossSum, ...built.gradientNames.values(), ...built.loads.flatMap((l) => (l.selection ? [l.meanGate, l.selection] : [l.meanGate]))];
  return { session, adapters: built.adapters, gradientNames: built.gradientNames, dropoutInputs: built.dropoutInputs, loads: built.loads, fetch };
}
