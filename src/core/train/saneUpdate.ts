// Divergence that the loss does not show yet: an update can leave finite but absurd weights (learningRate 1e38
// gives weights ~1e38 while the loss of that step was fine). The parameters are checked after every update; a bad
// update is rolled back, so the "last good checkpoint" written next never holds it.
import type { AdamWState, ParamSet } from './adamw';

/**
 * Largest magnitude a LoRA/router weight may reach. Trained adapters stay within O(1)-O(10); AdamW moves each weight
 * by about learningRate per step, so passing 1e6 takes a learning rate that is itself divergent.
 */
export const MAX_SANE_WEIGHT = 1e6;

/** The first parameter that is not finite or exceeds MAX_SANE_WEIGHT, as words; undefined when all are sane. */
export function insaneParameter(params: ParamSet): string | undefined {
  for (const [name, p] of params) {
    for (let i = 0; i < p.length; i++) {
      const v = p[i];
      if (!Number.isFinite(v)) return `parameter ${name} became ${v}`;
      if (Math.abs(v) > MAX_SANE_WEIGHT) return `parameter ${name} reached ${v.toExponential(2)} (limit ${MAX_SANE_WEIGHT.toExponential(0)})`;
    }
  }
  return undefined;
}

const copy = (set: ParamSet): ParamSet => new Map([...set].map(([name, p]) => [name, p.slice()]));

/** A copy of the parameters and optimiser state, restorable in place (the same arrays stay shared with the graph). */
export function snapshotTraining(params: ParamSet, state: AdamWState): () => void {
  const saved = { params: copy(params), expAvg: copy(state.expAvg), expAvgSq: copy(state.expAvgSq), step: state.step };
  return () => {
    for (const [name, p] of saved.params) params.get(name)?.set(p);
    for (const [name, m] of saved.expAvg) state.expAvg.get(name)?.set(m);
    for (const [name, v] of saved.expAvgSq) state.expAvgSq.get(name)?.set(v);
    state.step = saved.step;
  };
}
