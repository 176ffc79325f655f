import { deriveSeed, SeededRandom } from '../data';

/** Where the sampler stands: enough to continue the same sequence after a resume. */
export interface SamplerState {
  /** State of the stream that picks the task of each draw. */
  random: number;
  /** Per task: how many passes over its data are complete and the position in the current pass. */
  cursors: { epoch: number; index: number }[];
}

export interface SampledExample {
  task: number;
  /** Index into the task's examples. */
  example: number;
}

/**
 * Multi-task sampling: each draw picks a task with probability proportional to its weight (the
 * configured weights, or the task sizes when none is set), then the task's next example in a seeded
 * shuffled order that is reshuffled each pass. Every pass's order is derived from (seed, task, epoch)
 * so a resumed sampler rebuilds it from the cursor alone.
 */
export class MultiTaskSampler {
  private readonly random: SeededRandom;
  private readonly cursors: { epoch: number; index: number }[];
  private readonly orders = new Map<number, { epoch: number; order: number[] }>();
  private readonly cumulative: number[];

  constructor(private readonly seed: number, private readonly sizes: readonly number[], weights: readonly number[], state?: SamplerState) {
    if (sizes.length !== weights.length) throw new Error('sampler: one weight per task is needed');
    sizes.forEach((n, t) => { if (n <= 0) throw new Error(`sampler: task ${t} has no training examples`); });
    const total = weights.reduce((a, b) => a + b, 0);
    let running = 0;
    this.cumulative = weights.map((w) => (running += w / total));
    this.random = state ? SeededRandom.restore(state.random) : new SeededRandom(deriveSeed(seed, 0x7a5c));
    this.cursors = state ? state.cursors.map((c) => ({ ...c })) : sizes.map(() => ({ epoch: 0, index: 0 }));
    if (this.cursors.length !== sizes.length) throw new Error(`sampler: the checkpoint has ${this.cursors.length} tasks, the experiment ${sizes.length}`);
  }

  save(): SamplerState {
    return { random: this.random.save(), cursors: this.cursors.map((c) => ({ ...c })) };
  }

  next(): SampledExample {
    const u = this.random.next();
    let task = this.cumulative.findIndex((c) => u < c);
    if (task < 0) task = this.cumulative.length - 1;
    const cursor = this.cursors[task];
    const example = this.orderOf(task, cursor.epoch)[cursor.index];
    cursor.index += 1;
    if (cursor.index >= this.sizes[task]) {
      cursor.epoch += 1;
      cursor.index = 0;
    }
    return { task, example };
  }

  draw(count: number): SampledExample[] {
    return Array.from({ length: count }, () => this.next());
  }

  private orderOf(task: number, epoch: number): number[] {
    const cached = this.orders.get(task);
    if (cached && cached.epoch === epoch) return cached.order;
    const order = new SeededRandom(deriveSeed(this.seed, task + 1, epoch)).permutation(this.sizes[task]);
    this.orders.set(task, { epoch, order });
    return order;
  }
}

/** Sampling weights: the configured ones when any task sets one (others default to 1), else the task sizes. */
export function taskWeights(sizes: readonly number[], configured: readonly (number | undefined)[]): number[] {
  if (configured.some((w) => w !== undefined)) return configured.map((w) => w ?? 1);
  return [...sizes];
}
