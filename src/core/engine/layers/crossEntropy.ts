// Token cross-entropy with ignore-index and the Hugging Face label shift.
import { Graph } from '../graph';
import { Tensor } from '../ir';
import { TO_END } from '../opsShape';
import { logSumExp } from './basic';
import { chunkedCrossEntropy, classifierHeadOf, DEFAULT_VOCAB_CHUNK } from './chunkedCrossEntropy';

export interface CrossEntropyOptions {
  /** Labels equal to this are not scored (default -100, as Hugging Face). */
  ignoreIndex?: number;
  /**
   * Hugging Face causal-LM convention: `labels` has the length of the input and position t
   * predicts labels[t+1], so logits drop the last position and labels the first. Default false
   * (labels already aligned with logits).
   */
  shift?: boolean;
  /**
   * `mean`: mean over all scored tokens of the batch (training). `sumOfExampleMeans`: each
   * example's mean over its own scored tokens, summed over the batch — with it, the gradient
   * at an example's tokens is that of its own loss L_e (the sensitivity probe needs this).
   */
  reduction?: 'mean' | 'sumOfExampleMeans';
  /**
   * Logits of a registered classifier head (see registerClassifierHead) are computed this many vocabulary
   * rows at a time when the vocabulary is larger (default DEFAULT_VOCAB_CHUNK); 'off' always uses whole logits.
   */
  vocabChunk?: number | 'off';
  /**
   * The chunked head runs on the scored rows only (label != ignoreIndex, picked with NonZero). It saves the head's
   * work on every unscored row, but the row count becomes known at run time only, so onnxruntime's memory plan no
   * longer fits the head's tensors and they are allocated one by one: worth it when few rows are scored (the data
   * layer's picksScoredRows decides; docs/memory.md, "Where a step's time went").
   */
  scoredRowsOnly?: boolean;
}

export interface CrossEntropyResult {
  /** Scalar loss. */
  loss: Tensor;
  /** Per-token loss (0 where ignored), [batch, T'] or [N]. */
  tokenLoss: Tensor;
  /** Per-example mean over scored tokens, [batch] (batched logits only). */
  perExample?: Tensor;
  /** Number of scored tokens as a float scalar. */
  scoredTokens: Tensor;
}

/** Cross-entropy of logits [batch, T, V] (or [N, V]) against int64 labels [batch, T] (or [N]). */
export function crossEntropy(g: Graph, logits: Tensor, labels: Tensor, options: CrossEntropyOptions = {}): CrossEntropyResult {
  const head = options.vocabChunk === 'off' ? undefined : classifierHeadOf(logits);
  const chunkRows = typeof options.vocabChunk === 'number' ? options.vocabChunk : DEFAULT_VOCAB_CHUNK;
  if (head && head.vocabSize > chunkRows) return chunkedCrossEntropy(g, head, labels, { ...options, chunkRows });
  const ignoreIndex = options.ignoreIndex ?? -100;
  let [scoredLogits, targets] = [logits, labels];
  if (options.shift) {
    scoredLogits = g.slice(logits, { starts: [0], ends: [-1], axes: [-2] });
    targets = g.slice(labels, { starts: [1], ends: [TO_END], axes: [-1] });
  }
  const scored = g.not(g.equal(targets, ignoreIndex));
  const weight = g.cast(scored, logits.dtype);
  const safeTargets = g.where(scored, targets, 0);
  const picked = g.squeeze(g.gatherElements(scoredLogits, g.unsqueeze(safeTargets, [-1]), -1), [-1]);
  const tokenLoss = g.mul(g.sub(logSumExp(g, scoredLogits, -1), picked), weight);
  const scoredTokens = g.reduceSum(weight, undefined, false);
  const perExample = targets.rank === 2 ? exampleMeans(g, tokenLoss, weight) : undefined;
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'sumOfExampleMeans' && !perExample) throw new Error('crossEntropy: sumOfExampleMeans needs batched [batch, T] labels');
  const loss = reduction === 'mean'
    ? g.div(g.reduceSum(tokenLoss, undefined, false), g.max(scoredTokens, 1))
    : g.reduceSum(perExample as Tensor, undefined, false);
  return { loss, tokenLoss, perExample, scoredTokens };
}

/** Mean over each example's scored tokens (an example with none scores 0). */
function exampleMeans(g: Graph, tokenLoss: Tensor, weight: Tensor): Tensor {
  const counts = g.max(g.reduceSum(weight, [-1], false), 1);
  return g.div(g.reduceSum(tokenLoss, [-1], false), counts);
}
