/**
 * One watch per resource × namespace × selectors, shared by every consumer
 * of it (DESIGN §7). Consumers subscribe and get an async iterator of their
 * own; a consumer that comes late first gets the current objects (ADDED,
 * `initial: true`, then SYNCED once the listing is complete) and then the live
 * events, exactly as if it had been there from the start. The underlying
 * watch starts with the first subscriber and stops when the last one leaves.
 *
 * The hub keeps the current objects of each shared watch (a late subscriber
 * needs them), and uses them to give a DELETED inferred by a relist the
 * object's last known state instead of a stub.
 *
 * Every subscriber has a queue. When one holds `highWaterMark` events, the
 * shared watch stops reading until it drains: a slow consumer slows its
 * watch (the server then buffers, or drops the stream, which resumes from its
 * resourceVersion) instead of growing memory without bound. So a subscriber
 * must keep reading, or close its subscription.
 */
import { parseLabelSelector, formatLabelSelector } from '../core/label-selector.ts';
import { objectKey, type ObjectEvent, type WatchedObject, type WatchEvent } from '../core/watch-event.ts';
import { watchResource, type WatchedResource, type WatchIncident, type WatchIterator, type WatchOptions, type WatchTransport } from './watch.ts';

/** Which part of a resource a subscriber wants. Subscribers with equal scopes share one watch. */
export interface WatchScope {
  /** One namespace of a namespaced resource; all namespaces when unset. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Settings of every watch of a hub (see `WatchOptions`), plus the subscribers' queue limit. */
export interface WatchHubSettings
  extends Pick<WatchOptions, 'inactivityTimeoutMs' | 'backoff' | 'useWatchList' | 'pageSize' | 'serverTimeoutSeconds' | 'clientTimeoutMs' | 'reconnectDelayMs'> {
  /** Events a subscriber may have unread before its watch waits for it (default 1000). */
  highWaterMark?: number;
  /** Told about every failure, relist and dropped stream of any of the hub's watches, and which watch it was. */
  onIncident?: (incident: WatchIncident, watch: { resource: WatchedResource; scope: WatchScope }) => void;
}

/**
 * One consumer's view of a shared watch. Iterate it with `for await`;
 * leaving the loop, or `close()`, unsubscribes. The events' objects are
 * shared between subscribers: treat them as read-only.
 */
export interface WatchSubscription<T extends WatchedObject = WatchedObject> extends AsyncIterableIterator<WatchEvent<T>> {
  /** Unsubscribes; the iterator ends after nothing more. */
  close(): void;
}

const defaultHighWaterMark = 1000;

/** The queue of one subscriber, read through the async iterator protocol. */
class Subscriber implements WatchSubscription {
  private queue: WatchEvent[] = [];
  private head = 0;
  private failure?: { error: unknown };
  /** Nothing more will be queued: the watch failed, or the subscriber closed. */
  private ended = false;
  private closed = false;
  private reader?: { resolve: (result: IteratorResult<WatchEvent, undefined>) => void; reject: (error: unknown) => void };
  private drainWaiters: Array<() => void> = [];

  constructor(private readonly onClose: (subscriber: Subscriber) => void) {}

  /** Events queued and not yet read. */
  get backlog(): number {
    return this.queue.length - this.head;
  }

  push(event: WatchEvent): void {
    if (this.ended) return;
    if (this.reader) {
      const reader = this.reader;
      this.reader = undefined;
      reader.resolve({ value: event, done: false });
    } else this.queue.push(event);
  }

  /** Ends the subscription with an error, after the events already queued. */
  fail(error: unknown): void {
    if (this.ended) return;
    this.failure = { error };
    this.ended = true;
    this.settleReader();
    this.releaseWaiters();
  }

  /** Resolves once the backlog is down to `level` or the subscription has ended. */
  drained(level: number): Promise<void> {
    if (this.ended || this.backlog <= level) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ended = true;
    this.failure = undefined;
    this.queue = [];
    this.head = 0;
    this.settleReader();
    this.releaseWaiters();
    this.onClose(this);
  }

  next(): Promise<IteratorResult<WatchEvent, undefined>> {
    if (this.backlog > 0) {
      const value = this.queue[this.head++];
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.releaseWaiters();
      return Promise.resolve({ value, done: false });
    }
    if (this.failure) {
      const { error } = this.failure;
      this.failure = undefined;
      return Promise.reject(error);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.reader = { resolve, reject }));
  }

  return(): Promise<IteratorResult<WatchEvent, undefined>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private settleReader(): void {
    const reader = this.reader;
    if (!reader) return;
    this.reader = undefined;
    if (this.failure) {
      reader.reject(this.failure.error);
      this.failure = undefined;
    } else reader.resolve({ value: undefined, done: true });
  }

  private releaseWaiters(): void {
    if (this.drainWaiters.length === 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** One running watch and its subscribers. */
class SharedWatch {
  readonly subscribers = new Set<Subscriber>();
  private readonly objects = new Map<string, WatchedObject>();
  private synced = false;
  private readonly stop = new AbortController();
  private readonly events: WatchIterator;

  constructor(
    transport: WatchTransport,
    resource: WatchedResource,
    scope: WatchScope,
    settings: WatchHubSettings,
    private readonly highWaterMark: number,
    private readonly onEnd: (watch: SharedWatch) => void,
  ) {
    const { highWaterMark: _queueLimit, onIncident, ...options } = settings;
    this.events = watchResource(transport, resource, {
      ...options,
      ...scope,
      signal: this.stop.signal,
      onIncident: onIncident && ((incident) => onIncident(incident, { resource, scope })),
    });
  }

  /** Reads the watch until it is stopped or fails, fanning every event out to the subscribers. */
  async run(): Promise<void> {
    try {
      for await (const event of this.events) {
        const delivered = this.remember(event);
        for (const subscriber of this.subscribers) subscriber.push(delivered);
        await this.waitForSlowSubscribers();
      }
    } catch (error) {
      for (const subscriber of this.subscribers) subscriber.fail(error);
    } finally {
      this.onEnd(this);
    }
  }

  /** Adds a subscriber, first giving it the current objects as the initial listing. */
  add(subscriber: Subscriber): void {
    for (const object of this.objects.values()) subscriber.push({ type: 'ADDED', object, initial: true });
    if (this.synced) subscriber.push({ type: 'SYNCED' });
    this.subscribers.add(subscriber);
  }

  /** Removes a subscriber; answers true when it was the last one and the watch stopped. */
  remove(subscriber: Subscriber): boolean {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size > 0) return false;
    this.close();
    return true;
  }

  close(): void {
    this.stop.abort();
  }

  /** Keeps the current objects up to date; a relist's DELETED gets the last known state instead of a stub. */
  private remember(event: WatchEvent): WatchEvent {
    if (event.type === 'SYNCED') {
      this.synced = true;
      return event;
    }
    const key = objectKey(event.object);
    if (event.type !== 'DELETED') {
      this.objects.set(key, event.object);
      return event;
    }
    const last = this.objects.get(key);
    this.objects.delete(key);
    const sameObject = last?.metadata?.uid === event.object.metadata?.uid;
    return event.synthesized && last && sameObject ? ({ ...event, object: last } satisfies ObjectEvent) : event;
  }

  private async waitForSlowSubscribers(): Promise<void> {
    for (const subscriber of this.subscribers) {
      // Wait for half the queue to drain, so a slow reader does not pause the watch at every event.
      if (subscriber.backlog >= this.highWaterMark) await subscriber.drained(Math.floor(this.highWaterMark / 2));
    }
  }
}

/** Equal label selectors written differently (`b=2,a=1`, `a=1,b=2`) share a watch. */
function canonicalLabels(selector: string | undefined): string {
  if (!selector) return '';
  try {
    return formatLabelSelector(parseLabelSelector(selector));
  } catch {
    // Left as written: starting the watch rejects it with a message that names the resource.
    return selector;
  }
}

function scopeKey(resource: WatchedResource, scope: WatchScope): string {
  const labels = canonicalLabels(scope.labelSelector);
  return JSON.stringify([resource.group, resource.version, resource.plural, scope.namespace ?? null, labels, scope.fieldSelector ?? '']);
}

/** The shared watches of one API server. */
export class WatchHub {
  private readonly watches = new Map<string, SharedWatch>();
  private readonly highWaterMark: number;

  constructor(
    private readonly transport: WatchTransport,
    private readonly settings: WatchHubSettings = {},
  ) {
    this.highWaterMark = settings.highWaterMark ?? defaultHighWaterMark;
    if (!(Number.isInteger(this.highWaterMark) && this.highWaterMark > 0)) {
      throw new RangeError(`highWaterMark must be a positive integer, not ${settings.highWaterMark}`);
    }
  }

  /** How many watches are running (one per distinct resource × scope with subscribers). */
  get watchCount(): number {
    return this.watches.size;
  }

  /**
   * Subscribes to a resource in a scope, starting its watch if none runs.
   * Bad scopes (invalid selectors, a namespace of a cluster-scoped resource)
   * throw here. The subscription ends with the watch's error if the watch
   * fails terminally (bad credentials, missing permissions).
   */
  subscribe<T extends WatchedObject = WatchedObject>(resource: WatchedResource, scope: WatchScope = {}): WatchSubscription<T> {
    const key = scopeKey(resource, scope);
    let watch = this.watches.get(key);
    if (!watch) {
      const created = new SharedWatch(this.transport, resource, scope, this.settings, this.highWaterMark, (ended) => {
        if (this.watches.get(key) === ended) this.watches.delete(key);
      });
      this.watches.set(key, created);
      void created.run();
      watch = created;
    }
    const owner = watch;
    const subscriber = new Subscriber((leaving) => {
      if (owner.remove(leaving) && this.watches.get(key) === owner) this.watches.delete(key);
    });
    owner.add(subscriber);
    return subscriber as unknown as WatchSubscription<T>;
  }

  /** Stops every watch and ends every subscription. */
  close(): void {
    for (const watch of [...this.watches.values()]) {
      for (const subscriber of [...watch.subscribers]) subscriber.close();
      watch.close();
    }
    this.watches.clear();
  }
}
