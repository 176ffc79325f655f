// The whole decoder: embedding -> layers -> final norm -> classifier (tied or not), with optional KV cache and padding mask.
import { crossEntropy, dimOf, linear, positionsFromOffset, registerClassifierHead, registerRecomputeSegment, rmsNorm, type CrossEntropyOptions, type CrossEntropyResult, type Graph, type Tensor } from '../../engine';
import type { ModelConfig } from '../config';
import { EMBEDDING, FINAL_NORM, LM_HEAD } from '../weights';
import { decoderLayer, type ProjectionAdapter } from './layer';
import type { WeightLookup } from './weightSource';

export interface DecoderOptions {
  config: ModelConfig;
  weight: WeightLookup;
  /** int64 [batch, T]. */
  inputIds: Tensor;
  /** Right-padding mask [batch, past + T] (1 token, 0 padding), float32 or int64. */
  attentionMask?: Tensor;
  /** Per-layer cached keys/values [batch, numKvHeads, past, headDim]; positions continue after them. */
  past?: { key: Tensor; value: Tensor }[];
  adapt?: ProjectionAdapter;
  /**
   * Each layer is a recompute segment: the backward pass recomputes a layer's values from its input instead of keeping
   * them from the forward pass (one layer's activations alive at a time; about one more forward pass of compute).
   */
  recompute?: boolean;
}

export interface DecoderResult {
  /** [batch, T, vocab]. */
  logits: Tensor;
  /** Final hidden states after the last norm, [batch, T, hidden]. */
  hidden: Tensor;
  presentKeys: Tensor[];
  presentValues: Tensor[];
}

const MASKED = -1e9;

export function buildDecoder(g: Graph, options: DecoderOptions): DecoderResult {
  const { config, weight } = options;
  if (options.past && options.past.length !== config.numLayers) throw new Error(`past holds ${options.past.length} layers, the model has ${config.numLayers}`);
  let h = weight.gatherRows ? weight.gatherRows(EMBEDDING, options.inputIds) : g.gather(weight(EMBEDDING), options.inputIds, 0);
  const offset = options.past ? dimOf(g, options.past[0].key, 2) : g.scalar(0, 'int64');
  const positions = positionsFromOffset(g, offset, h);
  const additiveMask = options.attentionMask ? paddingBias(g, options.attentionMask) : undefined;
  const presentKeys: Tensor[] = [];
  const presentValues: Tensor[] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const firstNode = g.nodes.length;
    const result = decoderLayer(g, h, { layer, config, weight, positions, past: options.past?.[layer], additiveMask, adapt: options.adapt });
    if (options.recompute) registerRecomputeSegment(g, firstNode, result.hidden);
    h = result.hidden;
    presentKeys.push(result.presentKey);
    presentValues.push(result.presentValue);
  }
  const hidden = rmsNorm(g, h, weight(FINAL_NORM), config.rmsNormEps);
  const headName = config.tieWordEmbeddings ? EMBEDDING : LM_HEAD;
  const logits = linear(g, hidden, weight(headName));
  const { rows, gatherRows } = weight;
  if (rows && gatherRows) {
    registerClassifierHead(logits, { hidden, vocabSize: config.vocabSize, rows: (start, end) => rows(headName, start, end), gatherRows: (ids) => gatherRows(headName, ids) });
  }
  return { logits, hidden, presentKeys, presentValues };
}

/** [batch, S] keep-mask -> additive [batch, 1, 1, S] bias. */
function paddingBias(g: Graph, mask: Tensor): Tensor {
  const keep = g.cast(mask, 'float32');
  return g.unsqueeze(g.mul(g.sub(g.scalar(1, 'float32'), keep), MASKED), [1, 2]);
}

/** Token cross-entropy with the Hugging Face shift (position t predicts labels[t+1]; -100 not scored). */
export function decoderLoss(g: Graph, logits: Tensor, labels: Tensor, reduction: CrossEntropyOptions['reduction'] = 'mean'): CrossEntropyResult {
  return crossEntropy(g, logits, labels, { shift: true, reduction });
}
