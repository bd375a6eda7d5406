import { Bucket, type KeyRange } from './bucket.ts';
import type { KubeObject } from './resource-type.ts';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed write, as watchers and controllers see it. */
export interface ChangeEvent {
  rv: number;
  type: ChangeType;
  /** Storage bucket: `group/plural`. */
  bucket: string;
  /** `namespace/name`, or `name` for cluster-scoped objects. */
  key: string;
  /** The new state; for DELETED the last state, stamped with the delete's resourceVersion. */
  object: KubeObject;
  /** The state before this write (absent for ADDED). */
  previous?: KubeObject;
}

export type ChangeListener = (event: ChangeEvent) => void;

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * The embedded cluster's storage: every object of every resource, one global
 * resourceVersion counter (as etcd's revision), and a bounded history of
 * changes from which watches resume. Stored objects are never mutated in
 * place: each write stores a new object, so readers may hold on to one safely.
 */
export class Store {
  private revision: number;
  private readonly buckets = new Map<string, Bucket>();
  private history: ChangeEvent[] = [];
  private historyStart = 0;
  /** The oldest resourceVersion a watch may still resume from. */
  private compactedRevision: number;
  private readonly listeners = new Set<ChangeListener>();
  /** Listeners of one bucket only (watches): a write wakes only the watchers of its resource. */
  private readonly bucketListeners = new Map<string, Set<ChangeListener>>();
  /** Committed changes not yet announced: a listener that writes must not overtake the change it reacts to. */
  private readonly unannounced: ChangeEvent[] = [];
  private announcing = false;

  constructor(
    /** How many changes are kept for watches to resume from. */
    private readonly historySize = 10_000,
    initialRevision = 1,
  ) {
    this.revision = initialRevision;
    this.compactedRevision = initialRevision;
  }

  get currentRevision(): number {
    return this.revision;
  }

  /** The newest revision that is no longer in history: watches from before it get 410. */
  get oldestResumableRevision(): number {
    return this.compactedRevision;
  }

  /** Whether every change after `rv` is still in history (a watch or a continue token from `rv` is still served). */
  retainsHistorySince(rv: number): boolean {
    return rv >= this.compactedRevision;
  }

  get(bucket: string, key: string): KubeObject | undefined {
    return this.buckets.get(bucket)?.objects.get(key);
  }

  /** The objects of a bucket in storage-key order, optionally one namespace only. */
  list(bucket: string, namespace?: string): KubeObject[] {
    const { keys, start, end } = this.range(bucket, namespace);
    const objects = this.buckets.get(bucket)?.objects;
    const result: KubeObject[] = [];
    for (let i = start; i < end; i++) result.push(objects!.get(keys[i])!);
    return result;
  }

  /**
   * The keys of a bucket's objects in storage-key order, optionally one
   * namespace only and only those after `afterKey` (a page of a list), valid
   * until the next write: `get` reads their objects.
   */
  range(bucket: string, namespace?: string, afterKey?: string): KeyRange {
    return this.buckets.get(bucket)?.range(namespace || undefined, afterKey) ?? { keys: [], start: 0, end: 0 };
  }

  bucketNames(): string[] {
    return [...this.buckets.keys()];
  }

  /** Stores a new object under a fresh resourceVersion and announces it. */
  create(bucket: string, key: string, object: KubeObject): KubeObject {
    const rv = ++this.revision;
    const stored = withResourceVersion(object, rv);
    this.bucket(bucket).set(key, stored);
    this.commit({ rv, type: 'ADDED', bucket, key, object: stored });
    return stored;
  }

  /** Replaces an existing object under a fresh resourceVersion. */
  update(bucket: string, key: string, object: KubeObject): KubeObject {
    const previous = this.get(bucket, key);
    const rv = ++this.revision;
    const stored = withResourceVersion(object, rv);
    this.bucket(bucket).set(key, stored);
    this.commit({ rv, type: 'MODIFIED', bucket, key, object: stored, previous });
    return stored;
  }

  /** Removes an object; the DELETED event carries its last state at the delete's resourceVersion. */
  remove(bucket: string, key: string): KubeObject | undefined {
    const previous = this.get(bucket, key);
    if (!previous) return undefined;
    const rv = ++this.revision;
    this.bucket(bucket).delete(key);
    const object = withResourceVersion(previous, rv);
    this.commit({ rv, type: 'DELETED', bucket, key, object, previous });
    return object;
  }

  /** Removes a whole bucket's contents (a CRD's storage going away) without events. */
  dropBucket(bucket: string): void {
    this.buckets.delete(bucket);
  }

  /**
   * The changes of one bucket after `rv`, or `undefined` when history no
   * longer reaches back that far (the caller answers 410 Expired).
   */
  changesSince(rv: number, bucket: string): ChangeEvent[] | undefined {
    if (!this.retainsHistorySince(rv)) return undefined;
    const result: ChangeEvent[] = [];
    for (let i = this.firstIndexAfter(rv); i < this.history.length; i++) {
      const event = this.history[i];
      if (event.bucket === bucket) result.push(event);
    }
    return result;
  }

  /** Forgets all history: every watch resuming from an earlier revision gets 410 (fault injection). */
  compact(): void {
    this.history = [];
    this.historyStart = 0;
    this.compactedRevision = this.revision;
  }

  /** Calls `listener` synchronously after every committed write; answers the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Like `subscribe`, for the writes of one bucket only. */
  subscribeBucket(bucket: string, listener: ChangeListener): () => void {
    let listeners = this.bucketListeners.get(bucket);
    if (!listeners) {
      listeners = new Set();
      this.bucketListeners.set(bucket, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.bucketListeners.get(bucket) === listeners) this.bucketListeners.delete(bucket);
    };
  }

  private bucket(name: string): Bucket {
    let bucket = this.buckets.get(name);
    if (!bucket) {
      bucket = new Bucket();
      this.buckets.set(name, bucket);
    }
    return bucket;
  }

  private commit(event: ChangeEvent): void {
    this.history.push(event);
    // Trim in batches so that a write costs O(1) amortised.
    if (this.history.length - this.historyStart > this.historySize) {
      this.historyStart++;
      this.compactedRevision = this.history[this.historyStart - 1].rv;
      if (this.historyStart > 1024 && this.historyStart * 2 > this.history.length) {
        this.history = this.history.slice(this.historyStart);
        this.historyStart = 0;
      }
    }
    this.announce(event);
  }

  /** Calls the listeners change by change, so that every listener sees the changes in revision order. */
  private announce(event: ChangeEvent): void {
    this.unannounced.push(event);
    if (this.announcing) return;
    this.announcing = true;
    try {
      for (let i = 0; i < this.unannounced.length; i++) {
        const change = this.unannounced[i];
        for (const listener of this.listeners) listener(change);
        const watchers = this.bucketListeners.get(change.bucket);
        if (watchers) for (const listener of watchers) listener(change);
      }
    } finally {
      this.unannounced.length = 0;
      this.announcing = false;
    }
  }

  private firstIndexAfter(rv: number): number {
    // History is sorted by rv: binary search for the first event newer than rv.
    let lo = this.historyStart;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.history[mid].rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * A copy of the object with a new resourceVersion. Metadata is copied key by
 * key rather than spread: V8 gives every spread copy of an object of varied
 * history a hidden class of its own (about 300 bytes per stored object),
 * while copies built key by key share theirs.
 */
function withResourceVersion(object: KubeObject, rv: number): KubeObject {
  const source = object.metadata as Record<string, unknown>;
  const metadata: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    // A `__proto__` key stays an own key (plain assignment would set the prototype).
    if (key === '__proto__') Object.defineProperty(metadata, key, { value: source[key], enumerable: true, writable: true, configurable: true });
    else metadata[key] = source[key];
  }
  metadata.resourceVersion = String(rv);
  return { ...object, metadata };
}
