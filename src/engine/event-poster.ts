/**
 * Posts the operator's Kubernetes Events in the background. Each object has its own ordered queue, so
 * one object's Events keep their order while different objects post concurrently and one object's
 * retries never hold up another's. Handlers only enqueue: posting never slows a handler down, and a
 * failed Event is logged and forgotten, never an error of the handler.
 */
import type { Logger } from 'pino';
import type { EventOptions } from '../client/events.ts';
import type { JsonObject } from '../core/field-path.ts';
import type { PostingSettings } from '../registry/settings.ts';
import type { EventRequest, EventSink } from './handling-scope.ts';
import { objectLogger, objectRef } from './logging.ts';
import { sleep } from './sleep.ts';

/** Waits `seconds`, or less when `signal` aborts; must not reject on abort (a rejection is tolerated). */
export type PosterSleep = (seconds: number, signal: AbortSignal) => Promise<void>;

/** What the poster needs. */
export interface EventPosterOptions {
  /** Sends one Event about the object (normally `api.event.bind(api)`); rejects when the POST failed. */
  post: (object: JsonObject, event: EventOptions) => Promise<unknown>;
  /** The posting settings, read live. */
  settings: () => PostingSettings;
  /** Failures are logged on local object loggers under this one. */
  logger: Logger;
  /** Default: real time on `setTimeout`. */
  sleep?: PosterSleep;
}

interface QueuedEvent {
  object: JsonObject;
  request: EventRequest;
}

interface ObjectQueue {
  readonly key: string;
  readonly events: QueuedEvent[];
  /** Ends the worker's idle wait early; set only while it waits. */
  wake?: () => void;
}

/** The per-object queue key: the uid, else the kind and the name. */
function queueKey(object: JsonObject): string {
  const ref = objectRef(object);
  return ref.uid ?? JSON.stringify([ref.apiVersion, ref.kind, ref.namespace ?? '', ref.name]);
}

function realSleep(seconds: number, signal: AbortSignal): Promise<void> {
  return sleep(seconds, { signal }).then(() => undefined);
}

/** The operator's Event poster: enqueues without waiting, posts per object in order, retries, drains on stop. */
export class EventPoster implements EventSink {
  readonly #queues = new Map<string, ObjectQueue>();
  /** Queues with Events but no worker yet, in arrival order, while all worker slots are taken. */
  readonly #waiting: ObjectQueue[] = [];
  #workers = 0;
  #stopping = false;
  /** Aborted when stopping runs out of time: ends retries and in-flight POSTs. */
  readonly #dropping = new AbortController();
  /** Resolvers of `stop()` waiting for every queue to be empty. */
  readonly #drained: Array<() => void> = [];
  readonly #sleep: PosterSleep;

  constructor(private readonly options: EventPosterOptions) {
    this.#sleep = options.sleep ?? realSleep;
  }

  /** Enqueues an Event about `object`; never throws and never waits. Ignored once stopping. */
  post(object: JsonObject, event: EventRequest): void {
    if (this.#stopping) return;
    const key = queueKey(object);
    const queue = this.#queues.get(key);
    if (queue) {
      queue.events.push({ object, request: event });
      queue.wake?.();
      return;
    }
    const created: ObjectQueue = { key, events: [{ object, request: event }] };
    this.#queues.set(key, created);
    if (this.#hasFreeSlot()) {
      this.#start(created);
    } else {
      this.#waiting.push(created);
      // Idle workers give their slots up at once rather than after their idle timeout.
      for (const other of this.#queues.values()) other.wake?.();
    }
  }

  /**
   * Stops accepting Events, waits up to `timeoutSeconds` for the queued ones to be posted, then drops
   * the rest (retries and POSTs in flight are abandoned).
   */
  async stop(timeoutSeconds: number): Promise<void> {
    this.#stopping = true;
    for (const queue of this.#queues.values()) queue.wake?.();
    if (this.#queues.size > 0) {
      const timeout = new AbortController();
      // Draining ends the timeout's sleep early, so this waits for whichever comes first.
      this.#drained.push(() => timeout.abort());
      await this.#sleepQuietly(timeoutSeconds, timeout.signal);
    }
    this.#dropping.abort();
    for (const queue of this.#waiting.splice(0)) this.#queues.delete(queue.key);
    for (const queue of this.#queues.values()) queue.events.length = 0;
  }

  #hasFreeSlot(): boolean {
    const limit = this.options.settings().workerLimit;
    // A limit below one would never post anything; it means one.
    return limit === null || this.#workers < Math.max(1, limit);
  }

  #start(queue: ObjectQueue): void {
    this.#workers++;
    void this.#work(queue);
  }

  async #work(queue: ObjectQueue): Promise<void> {
    try {
      for (;;) {
        const next = queue.events.shift();
        if (next) {
          await this.#send(next);
          continue;
        }
        if (this.#stopping || this.#waiting.length > 0) break;
        const woken = await this.#idle(queue);
        if (!woken && queue.events.length === 0) break;
      }
    } finally {
      this.#finish(queue);
    }
  }

  /** Waits for new Events up to the idle timeout; true when woken before it. */
  async #idle(queue: ObjectQueue): Promise<boolean> {
    const wake = new AbortController();
    queue.wake = () => wake.abort();
    try {
      await this.#sleepQuietly(this.options.settings().idleTimeout, wake.signal);
    } finally {
      queue.wake = undefined;
    }
    return wake.signal.aborted;
  }

  #finish(queue: ObjectQueue): void {
    this.#queues.delete(queue.key);
    this.#workers--;
    const next = this.#waiting.shift();
    if (next) this.#start(next);
    if (this.#queues.size === 0) for (const resolve of this.#drained.splice(0)) resolve();
  }

  /** Posts one Event, retrying over its backoffs; a final failure is logged, never thrown. */
  async #send({ object, request }: QueuedEvent): Promise<void> {
    const settings = this.options.settings();
    const backoffs = request.backoffs ?? settings.defaultBackoffs;
    const delays = (typeof backoffs === 'number' ? [backoffs] : backoffs)[Symbol.iterator]();
    const signal = this.#dropping.signal;
    const options: EventOptions = {
      type: request.type,
      reason: request.reason,
      message: request.message,
      component: settings.reportingComponent,
      instance: settings.reportingInstance,
      namePrefix: settings.eventNamePrefix,
      signal,
    };
    for (;;) {
      try {
        await this.options.post(object, options);
        return;
      } catch (error) {
        if (signal.aborted) return;
        const delay = delays.next();
        if (delay.done) {
          const reason = error instanceof Error ? error.message : String(error);
          // Local: a failure to post must never be posted as an Event itself.
          objectLogger(this.options.logger, objectRef(object), { local: true }).warn(`Failed to post an event. Ignoring and continuing. ${reason}`);
          return;
        }
        await this.#sleepQuietly(delay.value, signal);
        if (signal.aborted) return;
      }
    }
  }

  async #sleepQuietly(seconds: number, signal: AbortSignal): Promise<void> {
    try {
      await this.#sleep(seconds, signal);
    } catch {
      // An injected sleep may reject when aborted; being woken is all that matters here.
    }
  }
}
