/**
 * The `stopped` member of daemons and timers: a flag with the reasons it was raised for, an abort
 * signal for requests and timers, and an interruptible wait. JS cannot cancel a running function, so
 * this is the whole of a daemon's cancellation: cooperative, as Kopf's sync daemons are.
 */
import type { DaemonStopped, DaemonStoppingReason } from '../registry/context.ts';

/** A daemon's stop flag; `stop(reason)` raises it. */
export class DaemonStopper implements DaemonStopped {
  readonly #controller = new AbortController();
  readonly #reasons = new Set<DaemonStoppingReason>();

  get isSet(): boolean {
    return this.#controller.signal.aborted;
  }

  get reasons(): ReadonlySet<DaemonStoppingReason> {
    return this.#reasons;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Raises the flag (again, with another reason, if already raised). */
  stop(reason: DaemonStoppingReason): void {
    this.#reasons.add(reason);
    this.#controller.abort();
  }

  wait(seconds?: number): Promise<boolean> {
    const signal = this.#controller.signal;
    if (signal.aborted) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        clearTimeout(timer);
        resolve(true);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (seconds !== undefined) {
        timer = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve(false);
        }, Math.max(0, seconds) * 1000);
      }
    });
  }
}
