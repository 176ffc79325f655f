// Cross-entropy of a linear classifier (LM head) over a large vocabulary, one block of vocabulary rows at a time:
// the [tokens x vocab] logits and their gradient never exist whole. Per block c the logits z_c = H W_c^T give
// lse_c and S_c = softmax_c(z_c) W_c; then lse = logsumexp_c(lse_c) and dL/dH = k (sum_c e^(lse_c - lse) S_c - W[y])
// with k each token's weight in the reduction. That gradient is attached to H through a surrogate term whose
// value is exactly 0, so the loss keeps its exact value and the backward pass never revisits a block.
// With scoredRowsOnly only the scored rows (label != ignoreIndex) go through the head: supervised fine-tuning often
// scores the answer tokens only, and the head is a quarter of a 0.5B model's matrix work per token.
import { Graph } from '../graph';
import { Tensor } from '../ir';
import { TO_END } from '../opsShape';
import type { CrossEntropyOptions, CrossEntropyResult } from './crossEntropy';
import { logSumExp } from './basic';

/** A frozen classifier y = H W^T, readable by blocks of rows (W is [vocab, d]). */
export interface ClassifierHead {
  /** Its input H [batch, T, d] (or [N, d]). */
  hidden: Tensor;
  vocabSize: number;
  /** Rows [start, end) of W as float32 [end - start, d]. */
  rows(start: number, end: number): Tensor;
  /** Rows of W at int64 ids [N] as float32 [N, d]. */
  gatherRows(ids: Tensor): Tensor;
}

/** Vocabulary rows per block: 16384 x 512 tokens of float32 is 32 MiB per block-sized tensor. */
export const DEFAULT_VOCAB_CHUNK = 16384;

const heads = new WeakMap<Tensor, ClassifierHead>();

/** Records that `logits` = head.hidden W^T, so crossEntropy can compute it block by block instead. */
export function registerClassifierHead(logits: Tensor, head: ClassifierHead): void {
  heads.set(logits, head);
}

export function classifierHeadOf(logits: Tensor): ClassifierHead | undefined {
  return heads.get(logits);
}

/** Per-row logsumexp and S = softmax(z) W of one block of rows. */
function block(g: Graph, rows: Tensor, w: Tensor): { lse: Tensor; weighted: Tensor } {
  const z = g.gemm(rows, w, { transB: true });
  const peak = g.reduceMax(z, [-1], true);
  const e = g.exp(g.sub(z, peak));
  const total = g.reduceSum(e, [-1], true);
  const weighted = g.gemm(g.div(e, total), w);
  return { lse: g.add(g.log(total), peak), weighted };
}

/** The chunked equivalent of crossEntropy(logits, labels, options) for logits = head.hidden W^T. */
export function chunkedCrossEntropy(g: Graph, head: ClassifierHead, labels: Tensor, options: CrossEntropyOptions & { chunkRows: number }): CrossEntropyResult {
  const ignoreIndex = options.ignoreIndex ?? -100;
  let [hidden, targets] = [head.hidden, labels];
  if (options.shift) {
    hidden = g.slice(hidden, { starts: [0], ends: [-1], axes: [-2] });
    targets = g.slice(labels, { starts: [1], ends: [TO_END], axes: [-1] });
  }
  const allRows = g.stopGradient(g.flattenToMatrix(hidden));
  const scored = g.not(g.equal(targets, ignoreIndex));
  const weight = g.cast(scored, hidden.dtype);
  const { picks, pick } = rowPicker(g, scored, options.scoredRowsOnly);
  const rows = pick(allRows);
  const flatTargets = pick(g.reshape(g.where(scored, targets, 0), [-1]));
  const blocks: { lse: Tensor; weighted: Tensor }[] = [];
  for (let start = 0; start < head.vocabSize; start += options.chunkRows) {
    // Each block waits for the whole previous one (its lse and its S_c), so only one block's logits and weight rows
    // exist at a time. Waiting for lse alone let onnxruntime run every block's z_c first and the S_c products last,
    // keeping every block's exp(z_c) and float32 weight rows alive together (a whole float32 copy of W).
    const previous = blocks[blocks.length - 1];
    const input = previous ? g.after(g.after(rows, previous.lse), previous.weighted) : rows;
    blocks.push(block(g, input, head.rows(start, Math.min(head.vocabSize, start + options.chunkRows))));
  }
  const blockLse = g.concat(blocks.map((b) => b.lse), 1);
  const lse = logSumExp(g, blockLse, 1, true);
  const share = g.exp(g.sub(blockLse, lse));
  const softmaxW = g.sum(...blocks.map((b, c) => g.mul(g.slice(share, { starts: [c], ends: [c + 1], axes: [1] }), b.weighted)));
  const targetRows = head.gatherRows(flatTargets);
  const picked = g.reduceSum(g.mul(rows, targetRows), [-1], false);
  // Back to every position: unscored ones get exactly 0 (picked rows), or weight 0 (every row).
  const rowLoss = g.sub(g.squeeze(lse, [1]), picked);
  const tokenLoss = picks
    ? g.reshapeLike(g.scatterElements(g.zerosLike(g.reshape(weight, [-1])), picks, rowLoss, 0), weight)
    : g.mul(g.reshapeLike(rowLoss, weight), weight);
  const scoredTokens = g.reduceSum(weight, undefined, false);
  const reduction = options.reduction ?? 'mean';
  const perToken = reduction === 'mean' ? g.div(weight, g.max(scoredTokens, 1)) : exampleShares(g, weight, targets.rank);
  const perExample = targets.rank === 2 ? g.div(g.reduceSum(tokenLoss, [-1], false), g.max(g.reduceSum(weight, [-1], false), 1)) : undefined;
  const value = g.reduceSum(g.mul(tokenLoss, perToken), undefined, false);
  const dPicked = g.mul(g.reshape(pick(g.reshape(perToken, [-1])), [-1, 1]), g.sub(softmaxW, targetRows));
  const dRows = g.stopGradient(picks ? g.scatterND(g.zerosLike(allRows), g.unsqueeze(picks, [1]), dPicked) : dPicked);
  const attached = g.reduceSum(g.mul(g.flattenToMatrix(hidden), dRows), undefined, false);
  const loss = g.add(g.stopGradient(value), g.sub(attached, g.stopGradient(attached)));
  return { loss, tokenLoss, perExample, scoredTokens };
}

/**
 * The rows through the head: with scoredRowsOnly the scored rows' positions in flattened [tokens] order (NonZero of
 * the mask, a count known at run time only) and `pick` gathering them; otherwise every row.
 */
function rowPicker(g: Graph, scored: Tensor, scoredRowsOnly: boolean | undefined): { picks?: Tensor; pick: (t: Tensor) => Tensor } {
  const picks = scoredRowsOnly ? g.squeeze(g.nonZero(g.reshape(scored, [-1])), [0]) : undefined;
  return { picks, pick: (t) => (picks ? g.gather(t, picks, 0) : t) };
}

/** Weight of each token in a sum of per-example means: 1 / (the example's scored tokens). */
function exampleShares(g: Graph, weight: Tensor, rank: number): Tensor {
  if (rank !== 2) throw new Error('crossEntropy: sumOfExampleMeans needs batched [batch, T] labels');
  return g.div(weight, g.max(g.reduceSum(weight, [-1], true), 1));
}
