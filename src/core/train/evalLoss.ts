// Held-out loss: a forward-only graph (base model, or base + adapter without dropout) scoring examples in batches.
import { crossEntropy, Graph, type EngineSession, type EngineSessionOptions } from '../engine';
import { AdapterGraph } from '../model/adapters/adapterGraph';
import type { AdaptedModule, LoraMoeConfig } from '../model/adapters/config';
import type { ParamSet } from './adamw';
import type { EncodedExample } from '../data';
import { collate } from './batch';
import { openInMemory, type LogitsBuilder, type SessionOpener } from './trainGraph';

export interface AdapterValues {
  config: LoraMoeConfig;
  modules: readonly AdaptedModule[];
  params: ParamSet;
}

/** Scores batches of examples; `lossOf` returns the summed token loss and the scored tokens. */
export class LossScorer {
  private constructor(private readonly session: EngineSession, private readonly feedsOfParams: Record<string, { dtype: 'float32'; dims: number[]; data: Float32Array }>) {}

  /** `scoredRowsOnly`: the LM head on the scored rows only (data/batch.ts picksScoredRows of the examples to score). */
  static async create(buildLogits: LogitsBuilder, adapter: AdapterValues | undefined, options: EngineSessionOptions, openSession: SessionOpener = openInMemory, scoredRowsOnly = false): Promise<LossScorer> {
    const g = new Graph('eval_loss');
    const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
    const labels = g.input('labels', 'int64', ['batch', 'seq']);
    const adapters = adapter ? new AdapterGraph(g, adapter.config, adapter.modules, { training: false }) : undefined;
    const logits = buildLogits(g, inputIds, adapters?.hook);
    adapters?.checkAllApplied();
    const ce = crossEntropy(g, logits, labels, { shift: true, scoredRowsOnly });
    g.output(g.reduceSum(ce.tokenLoss, [-1], false), 'example_loss_sum');
    const feeds: LossScorer['feedsOfParams'] = {};
    for (const spec of adapters?.specs ?? []) {
      const data = adapter?.params.get(spec.name);
      if (!data) throw new Error(`adapter tensor ${spec.name} has no values`);
      feeds[spec.name] = { dtype: 'float32', dims: [...spec.dims], data };
    }
    return new LossScorer(await openSession(g, options), feeds);
  }

  /** Summed token loss and scored-token count of each example; `maxLength` caps the padding (collate). */
  async score(examples: readonly EncodedExample[], padId: number, batchSize: number, maxLength?: number): Promise<{ lossSum: number; tokens: number }[]> {
    const out: { lossSum: number; tokens: number }[] = [];
    for (let start = 0; start < examples.length; start += batchSize) {
      const batch = collate(examples.slice(start, start + batchSize), padId, maxLength);
      const { token_mask: _unused, ...feeds } = batch.feeds;
      const result = await this.session.run({ ...feeds, ...this.feedsOfParams }, ['example_loss_sum']);
      const sums = result.example_loss_sum.data as Float32Array;
      batch.scored.forEach((tokens, b) => out.push({ lossSum: sums[b], tokens }));
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
