import { ApiError } from './errors.ts';
import { atVersion } from './objects.ts';
import { apiVersionOf, storageKey, type KubeObject, type ResourceType } from './resource-type.ts';
import type { ObjectFilter } from './selection.ts';
import type { ChangeEvent, Store } from './store.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** Where a watch writes its events: an HTTP response in practice. */
export interface WatchSink {
  /** Writes one serialized event; false means the client is slow (its buffer is full). */
  write(type: WatchEventType, object: KubeObject | Record<string, unknown>): void;
  end(): void;
}

export interface WatchRequest {
  type: ResourceType;
  namespace?: string;
  filter: ObjectFilter;
  resourceVersion?: string;
  /** Send the current objects as ADDED before live events (RV unset/0, or the watch-list form). */
  sendInitialEvents: boolean;
  allowWatchBookmarks: boolean;
  /** Milliseconds until the stream ends cleanly. */
  timeoutMs?: number;
  /** Milliseconds between idle bookmarks. */
  bookmarkIntervalMs: number;
  /** Cut the stream after this many events (fault injection). */
  cutAfterEvents?: number;
}

/** The zero-value object of a kind that a BOOKMARK carries (apiserver-spec §7.2). */
function bookmarkObject(type: ResourceType, rv: number, initialEventsEnd: boolean): Record<string, unknown> {
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (type.builtin) metadata.creationTimestamp = null;
  if (initialEventsEnd) {
    const blueprint = type.builtin
      ? { kind: type.listKind, apiVersion: apiVersionOf(type), metadata: {}, items: null }
      : { apiVersion: apiVersionOf(type), items: [], kind: type.listKind };
    metadata.annotations = {
      'k8s.io/initial-events-end': 'true',
      'kubernetes.io/initial-events-list-blueprint': Buffer.from(`${JSON.stringify(blueprint)}\n`).toString('base64'),
    };
  }
  return type.builtin
    ? { kind: type.kind, apiVersion: apiVersionOf(type), metadata }
    : { apiVersion: apiVersionOf(type), kind: type.kind, metadata };
}

/**
 * One open watch: initial events or replay from history, then live changes
 * filtered by scope and selectors, with selector transitions turned into
 * ADDED/DELETED (§7.5), periodic bookmarks and the timeout (§7.3–7.4).
 */
export class WatchSession {
  private unsubscribe?: () => void;
  private bookmarkTimer?: NodeJS.Timeout;
  private timeoutTimer?: NodeJS.Timeout;
  private closed = false;
  private sent = 0;
  /** Live events at or below this revision are not delivered (a watch from a future RV). */
  private floor: number;
  private caughtUp: number;

  constructor(
    private readonly store: Store,
    private readonly request: WatchRequest,
    private readonly sink: WatchSink,
    private readonly onClose: (session: WatchSession) => void,
  ) {
    this.floor = 0;
    this.caughtUp = store.currentRevision;
  }

  get resource(): ResourceType {
    return this.request.type;
  }

  /** Starts the stream; synchronous, so no write can slip between the replay and the subscription. */
  start(): void {
    const { store, request } = this;
    const bucket = storageKey(request.type);
    if (request.sendInitialEvents) {
      const snapshot = store.currentRevision;
      for (const obj of store.list(bucket, request.type.namespaced ? request.namespace : undefined)) {
        if (this.closed) return;
        if (request.filter(obj)) this.emit('ADDED', atVersion(obj, request.type));
      }
      if (request.allowWatchBookmarks && !this.closed) this.sink.write('BOOKMARK', bookmarkObject(request.type, snapshot, true));
      this.floor = snapshot;
    } else if (request.resourceVersion && request.resourceVersion !== '0') {
      const from = Number(request.resourceVersion);
      const changes = store.changesSince(from, bucket);
      if (!changes) {
        this.fail(new ApiError(410, 'Expired', `too old resource version: ${from} (${store.oldestResumableRevision})`));
        return;
      }
      this.floor = Math.max(from, 0);
      for (const change of changes) {
        if (this.closed) return;
        this.deliver(change);
      }
      this.floor = Math.max(this.floor, store.currentRevision);
      if (from > store.currentRevision) this.floor = from;
    } else {
      this.floor = store.currentRevision;
    }
    if (this.closed) return;
    this.unsubscribe = store.subscribe((event) => {
      if (event.bucket === bucket && event.rv > this.floor) this.deliver(event);
    });
    if (request.allowWatchBookmarks) {
      this.bookmarkTimer = setInterval(() => this.bookmark(), request.bookmarkIntervalMs);
      this.bookmarkTimer.unref();
    }
    if (request.timeoutMs !== undefined) {
      this.timeoutTimer = setTimeout(() => this.close(), request.timeoutMs);
      this.timeoutTimer.unref();
    }
  }

  /** Ends the stream cleanly (timeout, server stop, fault injection, CRD removal). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    clearInterval(this.bookmarkTimer);
    clearTimeout(this.timeoutTimer);
    this.sink.end();
    this.onClose(this);
  }

  /** Sends one ERROR event carrying a Status, then ends the stream (HTTP stays 200). */
  fail(error: ApiError): void {
    if (this.closed) return;
    this.sink.write('ERROR', error.toStatus() as unknown as Record<string, unknown>);
    this.close();
  }

  private bookmark(): void {
    if (!this.closed) this.sink.write('BOOKMARK', bookmarkObject(this.request.type, Math.max(this.caughtUp, this.floor), false));
  }

  private deliver(event: ChangeEvent): void {
    const { request } = this;
    const inScope = (obj: KubeObject | undefined) =>
      !!obj && (!request.type.namespaced || !request.namespace || obj.metadata.namespace === request.namespace) && request.filter(obj);
    this.caughtUp = event.rv;
    const nowMatches = event.type !== 'DELETED' && inScope(event.object);
    const wasMatching = event.type === 'ADDED' ? false : inScope(event.previous);
    if (event.type === 'DELETED') {
      if (wasMatching) this.emit('DELETED', atVersion(event.object, request.type));
      return;
    }
    if (nowMatches) this.emit(wasMatching ? 'MODIFIED' : 'ADDED', atVersion(event.object, request.type));
    else if (wasMatching) {
      // Leaving the selector looks like a deletion: the previous state at the new revision.
      const last = event.previous!;
      this.emit('DELETED', atVersion({ ...last, metadata: { ...last.metadata, resourceVersion: String(event.rv) } }, request.type));
    }
  }

  private emit(type: WatchEventType, object: KubeObject): void {
    if (this.closed) return;
    this.sink.write(type, object);
    this.sent++;
    if (this.request.cutAfterEvents !== undefined && this.sent >= this.request.cutAfterEvents) this.close();
  }
}
