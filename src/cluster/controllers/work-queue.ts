/**
 * A de-duplicating queue of keys processed asynchronously, one at a time:
 * the shape of every controller of the embedded cluster. Processing runs
 * after the triggering write has been answered, so clients observe the same
 * ordering as on a real cluster (the owner's DELETED, then its dependents').
 */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private running = false;
  private idleWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly process: (key: string) => void,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.running) {
      this.running = true;
      setImmediate(() => this.drain());
    }
  }

  /** Resolves once nothing is queued or running. */
  idle(): Promise<void> {
    if (!this.running && this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get busy(): boolean {
    return this.running || this.pending.size > 0;
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }

  private drain(): void {
    // Bounded batches keep the event loop responsive under a flood of keys.
    let budget = 256;
    while (this.pending.size > 0 && budget-- > 0 && !this.stopped) {
      const key = this.pending.values().next().value as string;
      this.pending.delete(key);
      try {
        this.process(key);
      } catch (e) {
        this.onError(key, e);
      }
    }
    if (this.pending.size > 0 && !this.stopped) {
      setImmediate(() => this.drain());
      return;
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
