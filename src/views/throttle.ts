// Spacing out the Experiments tree's refreshes: a keyed throttle, and a batch of rows sent as one change event.
/** At most one call per interval per key: the first at once, the last of a burst when the interval ends. */
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

/**
 * A tree's change events, batched: VS Code debounces them by 200 ms (ExtHostTreeView), so two events closer than that
 * postpone each other, and a steady stream from several sources (a progress row, a re-read of the runs) starved the
 * view for seconds. One event per interval carries every row asked for since the last; `undefined` means all rows.
 */
export class RefreshBatch<T> {
  private whole = false;
  private readonly items = new Set<T>();
  private timer?: NodeJS.Timeout;
  private last = -Infinity;

  constructor(private readonly intervalMs: number, private readonly fire: (items: T[] | undefined) => void, private readonly clock: () => number = Date.now) {}

  request(item?: T): void {
    if (item === undefined) this.whole = true;
    else this.items.add(item);
    if (this.timer) return;
    const wait = this.last + this.intervalMs - this.clock();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    this.timer = undefined;
    this.last = this.clock();
    const items = this.whole ? undefined : [...this.items];
    this.whole = false;
    this.items.clear();
    this.fire(items);
  }
}
