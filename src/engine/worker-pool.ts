/**
 * The limit on concurrent handling cycles of one watched resource (`settings.queueing.workerLimit`).
 * A slot is held only while a cycle computes, calls handlers and patches; the workers' sleeps happen
 * outside it, so objects waiting for a retry never starve the others. Slots are granted in FIFO order.
 */

/** FIFO slots; `null` means no limit. */
export class WorkerPool {
  #busy = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(private readonly limit: number | null) {}

  /** Waits for a slot; resolves with the function that frees it (call it exactly once). */
  async acquire(): Promise<() => void> {
    if (this.limit !== null && this.#busy >= this.limit) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#busy++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter, so the count stays as it is.
      if (next) next();
      else this.#busy--;
    };
  }

  /** Cycles running now. */
  get busy(): number {
    return this.#busy;
  }
}
