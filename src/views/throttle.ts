// At most one call per interval per key: the first at once, the last of a burst when the interval ends.
export class Throttle<K> {
  private readonly last = new Map<K, number>();
  private readonly pending = new Map<K, NodeJS.Timeout>();

  constructor(private readonly intervalMs: number, private readonly run: (key: K) => void, private readonly clock: () => number = Date.now) {}

  request(key: K): void {
    if (this.pending.has(key)) return;
    const wait = (this.last.get(key) ?? -Infinity) + this.intervalMs - this.clock();
    if (wait <= 0) return this.now(key);
    this.pending.set(key, setTimeout(() => this.now(key), wait));
  }

  now(key: K): void {
    const timer = this.pending.get(key);
    if (timer) clearTimeout(timer);
    this.pending.delete(key);
    this.last.set(key, this.clock());
    this.run(key);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
