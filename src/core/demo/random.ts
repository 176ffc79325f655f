import { SeededRandom } from '../data/random';

/** The data layer's seeded PRNG (mulberry32) plus the few draws the demo's generators need. */
export class DemoRandom extends SeededRandom {
  /** Integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffle([...items]).slice(0, count);
  }

  /** Standard normal (Box–Muller), for weight initialisation. */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}
