/**
 * What every controller of the embedded cluster shares: a de-duplicating queue of keys that `sync`
 * works through after the triggering write has been answered, and the ways to wait for it and stop it.
 */
import type { ChangeEvent } from '../store.ts';
import { WorkQueue } from './work-queue.ts';

export abstract class QueuedController {
  protected readonly queue: WorkQueue;

  /** `describe` names a key in error reports, e.g. `job controller: ns/name`. */
  constructor(describe: (key: string) => string, onError: (what: string, error: unknown) => void) {
    this.queue = new WorkQueue((key) => this.sync(key), (key, error) => onError(describe(key), error));
  }

  /** Queues the keys a change of the cluster concerns. */
  abstract observe(event: ChangeEvent): void;

  /** Brings the cluster in line with what it should be for one key. */
  protected abstract sync(key: string): void;

  /** Resolves once nothing is queued or running. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Whether anything is queued or running. */
  get busy(): boolean {
    return this.queue.busy;
  }

  /** Drops what is queued and takes nothing more. */
  stop(): void {
    this.queue.stop();
  }
}
