/** A minimal typed event emitter shaped like vscode.Event, for the parts of src/runs that run without VS Code. */
export interface Subscription {
  dispose(): void;
}

export type Listener<T> = (event: T) => void;

export class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();

  /** `onListenerError` hears a listener's exception (the extension writes it to its output channel). */
  constructor(private readonly onListenerError: (error: unknown) => void) {}

  readonly event = (listener: Listener<T>): Subscription => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // One broken listener must not keep the others (or the worker client) from seeing the event.
        this.onListenerError(error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
