import { ApiError } from './errors.ts';
import { atVersion } from './objects.ts';
import { apiVersionOf, storageKey, type KubeObject, type ResourceType } from './resource-type.ts';
import type { ObjectFilter } from './selection.ts';
import type { ChangeEvent, Store } from './store.ts';
import { storedObjectJson } from './stored-json.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** Where a watch writes its events: an HTTP response in practice. */
export interface WatchSink {
  /** Sends one event line. */
  send(line: string): void;
  /** Bytes sent but not yet taken by the client's connection. */
  readonly pendingBytes: number;
  /** Ends the stream cleanly. */
  end(): void;
}

/** Renders one event as its line on the wire, newline included. */
export type EventRenderer = (type: WatchEventType, object: object) => string;

/** What a watch asks for, once its query parameters are validated. */
export interface WatchRequest {
  type: ResourceType;
  /** Only this namespace (namespaced resources); all namespaces when undefined. */
  namespace?: string;
  filter: ObjectFilter;
  /** The requested resourceVersion; 0 stands for unset and "0". */
  resourceVersion: number;
  /** Send the current objects as ADDED before live events (RV unset/0, or the watch-list form). */
  sendInitialEvents: boolean;
  allowWatchBookmarks: boolean;
  /** Milliseconds until the stream ends cleanly. */
  timeoutMs: number;
  /** Milliseconds of silence after which an idle stream gets a bookmark. */
  bookmarkIntervalMs: number;
  /** Fault injection: cut the stream after this many events; read at every event, so it reaches open watches too. */
  cutAfterEvents: () => number | undefined;
  render: EventRenderer;
}

/** The watch parameters of a request, as `parseWatchQuery` validates them. */
export interface WatchQuery {
  resourceVersion: number;
  sendInitialEvents: boolean;
  allowWatchBookmarks: boolean;
  /** Undefined for the default: a random duration in [30 min, 60 min), as upstream picks. */
  timeoutMs?: number;
  /** `timeoutSeconds` was negative: upstream opens the stream and fails it at once. */
  alreadyTimedOut: boolean;
}

/**
 * Unsent output a watcher may accumulate, on top of what its initial events
 * left queued, before it counts as stalled and is closed. Upstream closes a
 * watcher whose buffer stays full (apiserver-spec §7); here the limit keeps
 * one stalled client from holding the server's memory.
 */
export const stalledWatcherBytes = 16 * 1024 * 1024;

/** How long a watch-list waits for a future resourceVersion before its 504 (§7.3). */
const futureVersionWaitMs = 3000;

/** Upstream's pre-timeout bookmark comes this long before a watch's deadline (§7.4). */
const preTimeoutBookmarkMs = 2000;

function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  return value === 'true' || value === '1';
}

function listOptionsInvalid(causes: Array<{ reason: string; field: string; detail: string }>): ApiError {
  const messages = causes.map((c) => `${c.field}: ${c.detail}`);
  const text = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  return new ApiError(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${text}`, {
    group: 'meta.k8s.io',
    kind: 'ListOptions',
    causes: causes.map((c) => ({ reason: c.reason, message: c.detail, field: c.field })),
  });
}

/**
 * Validates the watch parameters of a query as kube-apiserver 1.32 does: 400
 * for an unparsable `timeoutSeconds`, 422 for `resourceVersionMatch` and
 * `sendInitialEvents` combinations, 500 for an unparsable resourceVersion;
 * RV unset or "0" turns into the watch-list form when neither of its
 * parameters was sent (§7.3).
 */
export function parseWatchQuery(query: URLSearchParams): WatchQuery {
  const timeout = query.get('timeoutSeconds');
  if (timeout !== null && !/^[+-]?\d+$/.test(timeout)) {
    throw new ApiError(400, 'BadRequest', `strconv.ParseInt: parsing ${JSON.stringify(timeout)}: invalid syntax`);
  }
  const match = query.get('resourceVersionMatch') ?? '';
  const sendInitial = queryBool(query, 'sendInitialEvents');
  const causes: Array<{ reason: string; field: string; detail: string }> = [];
  if (sendInitial !== undefined && match !== 'NotOlderThan') {
    causes.push({ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', detail: 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan' });
  }
  if (match !== '' && sendInitial === undefined) {
    causes.push({ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', detail: 'Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided' });
  }
  if (match !== '' && match !== 'NotOlderThan') {
    causes.push({ reason: 'FieldValueNotSupported', field: 'resourceVersionMatch', detail: `Unsupported value: ${JSON.stringify(match)}: supported values: "NotOlderThan"` });
  }
  if (causes.length) throw listOptionsInvalid(causes);
  const rv = query.get('resourceVersion') ?? '';
  if (rv !== '' && !/^\d+$/.test(rv)) {
    throw new ApiError(500, '', `resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`);
  }
  const seconds = timeout === null ? 0 : Number(timeout);
  return {
    resourceVersion: rv === '' ? 0 : Number(rv),
    sendInitialEvents: sendInitial ?? (rv === '' || rv === '0'),
    allowWatchBookmarks: queryBool(query, 'allowWatchBookmarks') ?? false,
    // Zero means "the server's default", as upstream reads it.
    timeoutMs: seconds > 0 ? seconds * 1000 : undefined,
    alreadyTimedOut: seconds < 0,
  };
}

/** The zero-value object of a kind that a BOOKMARK carries (§7.2). */
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

// One change is rendered for all its watchers in a row, so a one-entry memo
// per derivation lets them share the work without keeping anything for
// longer than the next change. Stored objects are never mutated, so identity
// is a safe key.
let lastRendered: { object: object; lines: Partial<Record<WatchEventType, string>> } | undefined;
let lastView: { stored: KubeObject; apiVersion: string; view: KubeObject } | undefined;
let lastDeparture: { event: ChangeEvent; object: KubeObject } | undefined;

/**
 * Renders an event as one JSON line; watchers sending the same event one
 * after another share one serialization, and the write's response reuses the
 * object's text (`storedObjectJson`).
 */
export function jsonEventLine(type: WatchEventType, object: object): string {
  if (lastRendered?.object !== object) lastRendered = { object, lines: {} };
  return (lastRendered.lines[type] ??= `{"type":"${type}","object":${storedObjectJson(object)}}\n`);
}

/** The object as a watch of `type` shows it, shared between consecutive watchers of the same version. */
function viewAt(stored: KubeObject, type: ResourceType, apiVersion: string): KubeObject {
  if (stored.apiVersion === apiVersion) return stored;
  if (lastView?.stored !== stored || lastView.apiVersion !== apiVersion) lastView = { stored, apiVersion, view: atVersion(stored, type) };
  return lastView.view;
}

/** What a watcher whose selector the object left gets as DELETED: the previous state at the new revision (§7.5). */
function departure(event: ChangeEvent): KubeObject {
  if (lastDeparture?.event !== event) {
    const last = event.previous!;
    lastDeparture = { event, object: { ...last, metadata: { ...last.metadata, resourceVersion: String(event.rv) } } };
  }
  return lastDeparture.object;
}

/**
 * One open watch: initial events or a replay from history, then live
 * changes filtered by scope and selectors, with selector transitions turned
 * into ADDED/DELETED (§7.5); bookmarks, the timeout, and the closing of a
 * client that stopped reading.
 */
export class WatchSession {
  private readonly bucket: string;
  private readonly apiVersion: string;
  private unsubscribe?: () => void;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  private sent = 0;
  /** Changes at or below this revision are already accounted for (snapshot, replay, or a future RV). */
  private floor = 0;
  /** The revision the stream started from (requested, or the store's), for the pre-timeout bookmark. */
  private startRevision = 0;
  /** Unsent output beyond which the client counts as stalled; none during the initial burst. */
  private pendingLimit = Infinity;
  private lastSendAt = 0;

  constructor(
    private readonly store: Store,
    private readonly request: WatchRequest,
    private readonly sink: WatchSink,
    private readonly onClose: (session: WatchSession) => void,
  ) {
    this.bucket = storageKey(request.type);
    this.apiVersion = apiVersionOf(request.type);
  }

  get resource(): ResourceType {
    return this.request.type;
  }

  /**
   * Starts the stream. The snapshot or replay and the subscription happen in
   * one synchronous step, so no write slips between them.
   */
  start(): void {
    const { request, store } = this;
    this.lastSendAt = performance.now();
    this.after(request.timeoutMs, () => this.close());
    if (request.sendInitialEvents && request.resourceVersion > store.currentRevision) this.awaitRevision(request.resourceVersion);
    else this.begin();
  }

  /** Ends the stream cleanly (timeout, server stop, fault injection, CRD removal, a stalled client). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    for (const timer of this.timers) clearTimeout(timer);
    this.sink.end();
    this.onClose(this);
  }

  /** Sends one ERROR event carrying a Status, then ends the stream (HTTP stays 200). */
  fail(error: ApiError): void {
    if (this.closed) return;
    this.sink.send(this.request.render('ERROR', error.toStatus()));
    this.close();
  }

  /** A watch-list from a future revision waits for the store to get there, then gives up with 504 (§7.3). */
  private awaitRevision(wanted: number): void {
    const unsubscribe = this.store.subscribe((event) => {
      if (event.rv < wanted) return;
      unsubscribe();
      clearTimeout(timer);
      this.timers.delete(timer);
      this.begin();
    });
    this.unsubscribe = unsubscribe;
    const timer = this.after(futureVersionWaitMs, () => {
      unsubscribe();
      const current = this.store.currentRevision;
      this.fail(
        new ApiError(504, 'Timeout', `Timeout: Too large resource version: ${wanted}, current: ${current}`, {
          causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
          retryAfterSeconds: 1,
        }),
      );
    });
  }

  private begin(): void {
    const { store, request } = this;
    const from = request.resourceVersion;
    this.startRevision = request.sendInitialEvents || from === 0 ? store.currentRevision : from;
    if (request.sendInitialEvents) {
      this.floor = store.currentRevision;
      for (const obj of store.list(this.bucket, request.type.namespaced ? request.namespace : undefined)) {
        if (this.closed) return;
        if (request.filter(obj)) this.emit('ADDED', viewAt(obj, request.type, this.apiVersion));
      }
      if (request.allowWatchBookmarks) this.send('BOOKMARK', bookmarkObject(request.type, this.floor, true));
    } else if (from > 0) {
      const changes = store.changesSince(from, this.bucket);
      if (!changes) {
        this.fail(new ApiError(410, 'Expired', `too old resource version: ${from} (${store.oldestResumableRevision})`));
        return;
      }
      for (const change of changes) {
        if (this.closed) return;
        this.deliver(change);
      }
      // A future revision hides every change up to it (§7.3).
      this.floor = Math.max(from, store.currentRevision);
    } else {
      this.floor = store.currentRevision;
    }
    if (this.closed) return;
    this.pendingLimit = this.sink.pendingBytes + stalledWatcherBytes;
    this.unsubscribe = store.subscribeBucket(this.bucket, (event) => {
      if (event.rv > this.floor) this.deliver(event);
    });
    if (request.allowWatchBookmarks) {
      this.after(request.bookmarkIntervalMs, () => this.idleBookmark());
      if (request.timeoutMs > preTimeoutBookmarkMs) this.after(request.timeoutMs - preTimeoutBookmarkMs, () => this.preTimeoutBookmark());
    }
  }

  /** Schedules `action` on a timer that the stream's end cancels and that does not keep the process alive. */
  private after(ms: number, action: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  /** The revision this watcher is caught up to: delivery is synchronous, so everything the store has. */
  private caughtUpTo(): number {
    return Math.max(this.floor, this.store.currentRevision);
  }

  /** A bookmark after a full interval of silence, then the timer checks again one interval after the last output. */
  private idleBookmark(): void {
    if (this.closed) return;
    const silentFor = performance.now() - this.lastSendAt;
    const interval = this.request.bookmarkIntervalMs;
    if (silentFor >= interval) this.send('BOOKMARK', bookmarkObject(this.request.type, this.caughtUpTo(), false));
    this.after(silentFor >= interval ? interval : interval - silentFor, () => this.idleBookmark());
  }

  /** Upstream's last bookmark before the deadline, sent once the store has moved past the watch's start (§7.4). */
  private preTimeoutBookmark(): void {
    if (this.closed || this.store.currentRevision <= this.startRevision) return;
    this.send('BOOKMARK', bookmarkObject(this.request.type, this.caughtUpTo(), false));
  }

  private inScope(obj: KubeObject): boolean {
    const { request } = this;
    if (request.namespace !== undefined && request.type.namespaced && obj.metadata.namespace !== request.namespace) return false;
    return request.filter(obj);
  }

  private deliver(event: ChangeEvent): void {
    const { type } = this.request;
    if (event.type === 'DELETED') {
      if (this.inScope(event.object)) this.emit('DELETED', viewAt(event.object, type, this.apiVersion));
      return;
    }
    const matches = this.inScope(event.object);
    const matched = event.previous !== undefined && this.inScope(event.previous);
    if (matches) this.emit(matched ? 'MODIFIED' : 'ADDED', viewAt(event.object, type, this.apiVersion));
    else if (matched) this.emit('DELETED', viewAt(departure(event), type, this.apiVersion));
  }

  private emit(type: WatchEventType, object: KubeObject): void {
    if (this.closed) return;
    this.send(type, object);
    this.sent++;
    const cutAfter = this.request.cutAfterEvents();
    if (cutAfter !== undefined && this.sent >= cutAfter) this.close();
  }

  private send(type: WatchEventType, object: object): void {
    if (this.closed) return;
    this.sink.send(this.request.render(type, object));
    this.lastSendAt = performance.now();
    // A client that stopped reading is let go, as upstream does; it resumes from the last revision it read.
    if (this.sink.pendingBytes > this.pendingLimit) this.close();
  }
}
