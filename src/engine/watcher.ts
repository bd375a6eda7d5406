/**
 * One watched resource in one scope (a namespace, or the whole cluster): reads its shared watch, routes
 * each event to its object's queue, and runs one worker per object with pending events — serial per
 * object, parallel across objects up to `queueing.workerLimit`. A worker ends after
 * `queueing.idleTimeout` without events; the object's memory outlives it and is forgotten when the
 * object is gone.
 */
import type { WatchScope } from '../client/watch-hub.ts';
import type { JsonObject } from '../core/field-path.ts';
import type { Resource } from '../core/resource-selector.ts';
import { endPause, THROTTLING_OVER_MESSAGE } from '../core/throttle.ts';
import { sleepInterruptedMessage } from '../core/sleep-plan.ts';
import type { ObjectEvent } from '../core/watch-event.ts';
import { touchObject } from './application.ts';
import { newObjectMemory, type ObjectMemory } from './object-memory.ts';
import { loggersOf } from './object-logging.ts';
import { ObjectQueue, type Batch } from './object-queue.ts';
import { indexAhead, processBatch } from './processing.ts';
import type { OperatorRuntime } from './runtime.ts';
import { sleep } from './sleep.ts';
import { WorkerPool } from './worker-pool.ts';

/** The key of an object within its resource: the uid, or its identity when it has none. */
function objectKeyOf(object: JsonObject): string {
  const metadata = (object.metadata ?? {}) as { uid?: string; name?: string; namespace?: string; creationTimestamp?: string };
  return metadata.uid ?? [object.kind, object.apiVersion, metadata.name, metadata.namespace, metadata.creationTimestamp].join('//');
}

/** A batch to handle again after a wait, joined with whatever arrived meanwhile; its events were already given to `on.event`. */
function carryOver(previous: Batch, arrived: Batch | undefined): Batch {
  if (!arrived) return { ...previous, events: [] };
  return { ...arrived, versions: new Set([...previous.versions, ...arrived.versions]) };
}

/** The watcher of one resource × scope. */
export class Watcher {
  readonly #queues = new Map<string, ObjectQueue>();
  readonly #memories = new Map<string, ObjectMemory>();
  readonly #workers = new Map<string, Promise<void>>();
  readonly #pool: WorkerPool;
  readonly #stop = new AbortController();
  readonly #keepEvents: boolean;
  readonly #indexing: boolean;
  /** While the indexes are being completed: the keys of listed objects not indexed yet, and the token to return once all are. */
  readonly #listing = new Set<string>();
  #synced = false;
  #indexedOnce?: () => void;
  #markListed!: () => void;
  /** Settles once the first listing has arrived in full (or the watcher stopped before it did). */
  readonly listed = new Promise<void>((resolve) => (this.#markListed = resolve));

  constructor(
    private readonly runtime: OperatorRuntime,
    readonly resource: Resource,
    readonly scope: WatchScope,
  ) {
    this.#pool = new WorkerPool(runtime.settings.queueing.workerLimit);
    this.#keepEvents = runtime.registry.hasHandlers('watching', resource);
    this.#indexing = runtime.registry.hasHandlers('indexing', resource);
    if (this.#indexing && !runtime.indexes.readiness.isReady) this.#indexedOnce = runtime.indexes.readiness.expect();
  }

  /** What log lines call this watcher: `kopfexamples.v1.kopf.dev@default`. */
  get title(): string {
    const { plural, version, group } = this.resource;
    return `${[plural, version, group].filter(Boolean).join('.')}${this.scope.namespace ? `@${this.scope.namespace}` : ''}`;
  }

  /**
   * Reads the watch until stopped; rejects if the watch fails terminally (bad credentials, missing
   * permissions), which stops the operator.
   */
  async run(): Promise<void> {
    const subscription = this.runtime.hub.subscribe(this.resource, this.scope);
    const onStop = () => subscription.close();
    this.#stop.signal.addEventListener('abort', onStop, { once: true });
    try {
      for await (const event of subscription) {
        if (event.type === 'SYNCED') {
          this.#synced = true;
          this.#markListed();
          this.#checkListing();
          continue;
        }
        this.#route(event);
      }
    } finally {
      this.#stop.signal.removeEventListener('abort', onStop);
      subscription.close();
    }
  }

  /** Stops reading, gives the workers `exitTimeout` seconds to finish, and forgets everything. */
  async stop(reason: 'operator-exiting' | 'operator-pausing' = 'operator-exiting'): Promise<void> {
    this.#stop.abort();
    this.#markListed();
    const workers = Promise.allSettled([...this.#workers.values()]);
    await sleep(this.runtime.settings.queueing.exitTimeout, { wakeup: workers });
    await Promise.all([...this.#memories.values()].map((memory) => memory.daemons?.shutdown(reason)));
    this.#memories.clear();
  }

  #checkListing(): void {
    if (this.#synced && this.#listing.size === 0) {
      this.#indexedOnce?.();
      this.#indexedOnce = undefined;
    }
  }

  /** While the indexes are incomplete: index the batch ahead (if this resource is indexed), then wait for them. */
  async #awaitIndexes(key: string, batch: Batch, memory: ObjectMemory): Promise<Batch> {
    const { readiness } = this.runtime.indexes;
    if (readiness.isReady) return batch;
    const indexed = this.#indexing && !batch.indexed ? await indexAhead({ runtime: this.runtime, resource: this.resource, batch, memory }) : batch;
    this.#listing.delete(key);
    this.#checkListing();
    await Promise.race([readiness.ready, new Promise((resolve) => this.#stop.signal.addEventListener('abort', resolve, { once: true }))]);
    return indexed;
  }

  #route(event: ObjectEvent): void {
    const key = objectKeyOf(event.object as JsonObject);
    if (event.initial && this.#indexedOnce) this.#listing.add(key);
    if (!this.#memories.has(key)) this.#memories.set(key, newObjectMemory(this.runtime.memo, event.initial === true));
    let queue = this.#queues.get(key);
    if (!queue) {
      queue = new ObjectQueue(this.#keepEvents);
      this.#queues.set(key, queue);
    }
    queue.push(event);
    if (!this.#workers.has(key)) this.#workers.set(key, this.#work(key, queue));
  }

  async #work(key: string, queue: ObjectQueue): Promise<void> {
    const { runtime } = this;
    const signal = this.#stop.signal;
    const idleTimeout = runtime.settings.queueing.idleTimeout;
    let carried: Batch | undefined;
    try {
      while (!signal.aborted) {
        const taken = queue.take();
        let batch = carried ? carryOver(carried, taken) : taken;
        carried = undefined;
        if (!batch) {
          const left = await sleep(idleTimeout, { wakeup: queue.arrival(), signal });
          if (left === undefined && !queue.pending) break;
          continue;
        }
        const memory = this.#memories.get(key) as ObjectMemory;
        batch = await this.#awaitIndexes(key, batch, memory);
        if (signal.aborted) break;
        const release = await this.#pool.acquire();
        const end = await processBatch({ runtime, resource: this.resource, batch, memory }).finally(release);
        if (batch.newest.type === 'DELETED') {
          this.#memories.delete(key);
          if (!queue.pending) break;
          continue;
        }
        const { local } = loggersOf(runtime.logger, batch.newest.object as JsonObject, memory);
        if (end.kind === 'consistency') {
          await sleep((end.untilMs - runtime.now()) / 1000, { wakeup: queue.arrival(), signal });
          carried = batch;
        } else if (end.kind === 'throttled') {
          await sleep(end.seconds, { signal });
          memory.throttle = endPause(memory.throttle);
          if (!signal.aborted) local.info(THROTTLING_OVER_MESSAGE);
          carried = batch;
        } else if (end.kind === 'sleep') {
          if (end.message) local.debug(end.message);
          const left = await sleep(end.seconds, { wakeup: queue.arrival(), signal });
          if (left !== undefined) {
            if (!signal.aborted) local.debug(sleepInterruptedMessage(left));
          } else {
            await touchObject(end.target).catch((error: unknown) => local.error({ err: error }, `Touching the object failed: ${String(error)}`));
          }
        }
      }
    } finally {
      this.#workers.delete(key);
      if (queue.pending && !signal.aborted) this.#workers.set(key, this.#work(key, queue));
      else if (!queue.pending) this.#queues.delete(key);
    }
  }
}
