/**
 * The backlog of one object between its watch events and its worker. While the worker is busy, newer
 * events pile up and the next cycle handles only the newest state (older states of the same object are
 * stale by then), but the batch remembers every collapsed event's resourceVersion — the consistency
 * wait looks for its own version among them — and, when `on.event` handlers need every event, the
 * events themselves. An arrival also signals pressure, which cuts the worker's sleeps short.
 */
import type { ObjectEvent } from '../core/watch-event.ts';

/** What one cycle handles. */
export interface Batch {
  /** The newest event; its object is the state to handle. */
  readonly newest: ObjectEvent;
  /** Every event of the batch in arrival order when events are kept, else only the newest. */
  readonly events: readonly ObjectEvent[];
  /** The resourceVersions of all the batch's events, collapsed ones included. */
  readonly versions: ReadonlySet<string>;
  /** Its newest state is already in the indexes (indexed ahead, while the indexes were being completed). */
  readonly indexed?: boolean;
}

/** One object's pending events. */
export class ObjectQueue {
  #events: ObjectEvent[] = [];
  #versions = new Set<string>();
  #arrival?: { promise: Promise<void>; resolve: () => void };

  /** @param keepEvents keep every event for `on.event` handlers, not only the newest. */
  constructor(private readonly keepEvents: boolean) {}

  /** Adds an event (the newest state so far) and wakes whoever waits for one. */
  push(event: ObjectEvent): void {
    if (this.keepEvents) this.#events.push(event);
    else this.#events = [event];
    const version = event.object.metadata?.resourceVersion;
    if (version !== undefined) this.#versions.add(version);
    this.#arrival?.resolve();
    this.#arrival = undefined;
  }

  /** Whether events wait to be taken. */
  get pending(): boolean {
    return this.#events.length > 0;
  }

  /** Takes everything pending as one batch; undefined when nothing is pending. */
  take(): Batch | undefined {
    if (!this.#events.length) return undefined;
    const events = this.#events;
    const batch: Batch = { newest: events[events.length - 1], events, versions: this.#versions };
    this.#events = [];
    this.#versions = new Set();
    return batch;
  }

  /** Resolves when an event is pending: at once if one already is, else at the next push. */
  arrival(): Promise<void> {
    if (this.pending) return Promise.resolve();
    if (!this.#arrival) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.#arrival = { promise, resolve };
    }
    return this.#arrival.promise;
  }
}
