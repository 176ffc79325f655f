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

/**
 * One refresh of a row in flight at a time. VS Code's extension host sends a tree's change events to the workbench one
 * after another, each waiting for the workbench to redraw; a row asked for faster than that (a progress row, every
 * 300 ms) queued refreshes without bound on a loaded machine: the row showed seconds-old progress, and a refresh of
 * the whole tree (a run started or ended) waited behind dozens of stale ones. VS Code asks for a row's tree item when
 * it takes the row's refresh from its queue (or shows the row anew): that is the answer. A row asked for again before
 * the answer waits for it, and is then sent once with whatever is current; after `staleMs` without an answer (a
 * refresh VS Code dropped, for a row it no longer shows) it is sent anyway.
 */
export class AnsweredRefresh<T> {
  private readonly sent = new Map<T, number>();
  private readonly waiting = new Map<T, NodeJS.Timeout>();

  constructor(private readonly staleMs: number, private readonly send: (item: T) => void, private readonly clock: () => number = Date.now) {}

  request(item: T): void {
    const at = this.sent.get(item);
    const left = at === undefined ? 0 : at + this.staleMs - this.clock();
    if (left > 0) {
      if (!this.waiting.has(item)) this.waiting.set(item, setTimeout(() => this.retry(item), left));
      return;
    }
    this.retry(item);
  }

  /** VS Code asked for the row's tree item: its last refresh arrived, and a waiting one goes now. */
  answered(item: T): void {
    this.sent.delete(item);
    if (this.waiting.has(item)) this.retry(item);
  }

  /** The row is gone (its job ended): nothing more is sent for it. */
  forget(item: T): void {
    clearTimeout(this.waiting.get(item));
    this.waiting.delete(item);
    this.sent.delete(item);
  }

  dispose(): void {
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    this.sent.clear();
  }

  private retry(item: T): void {
    clearTimeout(this.waiting.get(item));
    this.waiting.delete(item);
    this.sent.set(item, this.clock());
    this.send(item);
  }
}
