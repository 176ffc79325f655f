import type { ModelFacts } from '../model/load';

export type { ModelFacts };
import type { ExpertMap } from './types';

/** Parameter accounting for the file's adapter on its model (from core/algo), injected so checks stay pure. */
export interface ParameterAccounting {
  trainable(map: ExpertMap): number;
  /** Parameters of plain LoRA with this rank on every target module. */
  loraRankEquivalent(rank: number): number;
}

/**
 * Everything the semantic checks need from outside the text: file existence, the model's module list and
 * shapes, the map a path points at. The editor gathers it (cached); unit tests pass literals.
 */
export interface ExperimentFacts {
  /** Resolves a path written in the file (relative to its folder) to an absolute one. */
  resolve(relative: string): string;
  exists(absolute: string): boolean;
  /** Absent while not yet known: model checks are skipped then. */
  model?: ModelFacts;
  accounting?: ParameterAccounting;
  /** The authors'-format map that `experts` points at, when it is a path. */
  expertsFile?: { map: ExpertMap } | { error: string };
}
