/**
 * The watch as a state machine, without I/O: it says which request to make
 * next (a list page, a watch-list stream, or a watch from a resourceVersion),
 * takes what came back (a page, a stream event, the end of a stream, a failed
 * request) and answers the events to hand to the consumer. The driver in
 * `src/client/watch.ts` does the requests, the timers and the waiting.
 *
 * Phases: listing (paginated list) or streaming-list (the watch-list form,
 * whose initial ADDEDs end with a bookmark) → watching from a resourceVersion
 * that every event and bookmark advances. A 410 at any point goes back to
 * listing, and the new listing is compared against the known objects (see
 * watch-known.ts), so a relist reports only what changed, and what vanished
 * is reported as deleted.
 */
import { resourcePath } from './resource-path.ts';
import { KnownObjects, type Relist } from './watch-known.ts';
import type { ObjectEvent, WatchedMetadata, WatchedObject, WatchEvent } from './watch-event.ts';

/** What to watch: a resource, optionally one namespace of it, optionally filtered by selectors. */
export interface WatchTarget {
  /** `''` for the core group. */
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  /** One namespace (namespaced resources only); all namespaces when unset. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** How the machine lists. */
export interface WatchMachineOptions {
  /** Items per list page; undefined lists everything in one request. */
  pageSize: number | undefined;
  /** Try the watch-list form (initial objects streamed as events) before falling back to paginated lists. */
  useWatchList: boolean;
}

/** Query parameters of one request. */
export type WatchQuery = Record<string, string | number | boolean | undefined>;

/** The request the machine wants made next. */
export type WatchCall = { kind: 'list' | 'watch'; path: string; query: WatchQuery };

/** A list response, as far as the machine reads it. */
export interface ListPage {
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: WatchedObject[] | null;
}

/** One event of a watch stream as the server sent it. */
export interface RawWatchEvent {
  type: string;
  object: WatchedObject;
}

/** The Status object of an ERROR event or an error response. */
export interface StatusLike {
  code?: number;
  reason?: string;
  message?: string;
}

/** What to do with the stream after one of its events. */
export type StreamVerdict =
  /** Keep reading. */
  | { kind: 'continue' }
  /** The server's history no longer reaches our resourceVersion: a relist has begun. */
  | { kind: 'relist' }
  /**
   * The stream reported another error: the driver decides whether it is
   * terminal (bad credentials, missing permissions) or worth a reconnect.
   */
  | { kind: 'error'; status: StatusLike };

/**
 * What to do after a request failed with an HTTP status (undefined when no
 * response came: a connection error). Terminal failures (bad credentials,
 * missing permissions) never reach the machine: the driver stops first.
 */
export type FailureVerdict =
  /** Try again after a pause: the same call, or a relist if history expired. */
  | 'retry'
  /** The server rejected the watch-list form: list instead, right away. */
  | 'fallback';

type Phase =
  | { kind: 'listing'; continueToken?: string }
  | { kind: 'streaming-list' }
  | { kind: 'watching'; resourceVersion: string };

const continueReading: StreamVerdict = { kind: 'continue' };

/** Annotation of the bookmark that ends the initial events of a watch-list (apiserver-spec §7.3). */
const initialEventsEnd = 'k8s.io/initial-events-end';

/** The collection URL of a resource, cluster-wide or in one namespace. */
export function collectionPath(target: WatchTarget): string {
  return resourcePath(target, { namespace: target.namespace });
}

/** The state of one watch: its phase, the listing in progress, and the objects reported so far. */
export class WatchMachine {
  private phase: Phase = { kind: 'listing' };
  private relist: Relist;
  private watchListUsable: boolean;
  private isSynced = false;
  /** The kind of the resource, learned from the first list or object (stubs need it). */
  private kind?: string;
  private readonly known = new KnownObjects();
  private readonly path: string;
  private readonly apiVersion: string;

  /** @throws Error when a namespace is given for a cluster-scoped resource. */
  constructor(
    private readonly target: WatchTarget,
    private readonly options: WatchMachineOptions,
  ) {
    if (target.namespace !== undefined && !target.namespaced) {
      throw new Error(`${target.plural}${target.group ? `.${target.group}` : ''} is cluster-scoped and cannot be watched in namespace "${target.namespace}"`);
    }
    this.path = collectionPath(target);
    this.apiVersion = target.group ? `${target.group}/${target.version}` : target.version;
    this.watchListUsable = options.useWatchList;
    this.relist = this.beginListing(options.useWatchList);
  }

  /** The resourceVersion the watch resumes from, once listed (for the driver's reports). */
  get resourceVersion(): string | undefined {
    return this.phase.kind === 'watching' ? this.phase.resourceVersion : undefined;
  }

  /** The request to make now. */
  nextCall(): WatchCall {
    const { labelSelector, fieldSelector } = this.target;
    const selectors = { labelSelector: labelSelector || undefined, fieldSelector: fieldSelector || undefined };
    switch (this.phase.kind) {
      case 'listing':
        return { kind: 'list', path: this.path, query: { ...selectors, limit: this.options.pageSize, continue: this.phase.continueToken } };
      case 'streaming-list':
        return {
          kind: 'watch',
          path: this.path,
          query: { ...selectors, watch: true, sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true },
        };
      case 'watching':
        return { kind: 'watch', path: this.path, query: { ...selectors, watch: true, resourceVersion: this.phase.resourceVersion, allowWatchBookmarks: true } };
    }
  }

  /** Takes one list page, appending the events it brings to `out`; the last page completes the listing. */
  onPage(page: ListPage, out: WatchEvent[]): void {
    if (this.phase.kind !== 'listing') throw new Error(`a list page arrived while ${this.phase.kind}`);
    if (page.kind?.endsWith('List')) this.kind ??= page.kind.slice(0, -'List'.length);
    for (const item of page.items ?? []) {
      // Built-in list items carry no apiVersion and kind (apiserver-spec §8.1); watch events do.
      item.apiVersion ??= this.apiVersion;
      if (this.kind) item.kind ??= this.kind;
      this.relist.take(item, !this.isSynced, out);
    }
    const token = page.metadata?.continue;
    if (token) this.phase = { kind: 'listing', continueToken: token };
    else this.finishListing(page.metadata?.resourceVersion ?? '', out);
  }

  /** Takes one event of the open stream, appending the events it brings to `out`. */
  onEvent(raw: RawWatchEvent, out: WatchEvent[]): StreamVerdict {
    const object = raw.object ?? {};
    const rv = object.metadata?.resourceVersion;
    switch (raw.type) {
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED':
        this.kind ??= object.kind;
        this.objectEvent(raw.type, object, out);
        return continueReading;
      case 'BOOKMARK':
        this.kind ??= object.kind;
        if (this.phase.kind === 'streaming-list' && object.metadata?.annotations?.[initialEventsEnd] === 'true') this.finishListing(rv ?? '', out);
        else if (this.phase.kind === 'watching' && rv) this.phase.resourceVersion = rv;
        return continueReading;
      case 'ERROR': {
        const status = object as StatusLike;
        if (status.code === 410) {
          this.relist = this.beginListing(this.watchListUsable);
          return { kind: 'relist' };
        }
        return { kind: 'error', status };
      }
      default:
        // An event type this client does not know carries nothing it could use.
        return continueReading;
    }
  }

  /**
   * The stream ended without a verdict of its own (closed by the server,
   * dropped, silent for too long, or after an `error` verdict). A watch resumes
   * from its resourceVersion; an unfinished watch-list has nothing to resume
   * from, so the listing starts over, in pages this time (as client-go does).
   */
  onStreamEnd(): void {
    if (this.phase.kind === 'streaming-list') this.relist = this.beginListing(false);
  }

  /** Takes the HTTP status of a failed request (undefined: no response at all). */
  onFailure(code: number | undefined): FailureVerdict {
    if (this.phase.kind === 'streaming-list') {
      // 400/422: the server does not know the watch-list parameters (older than 1.27, or the feature is off).
      const rejected = code === 400 || code === 422;
      if (rejected) this.watchListUsable = false;
      this.relist = this.beginListing(false);
      return rejected ? 'fallback' : 'retry';
    }
    // 410 on a list page: the continue token expired; on a watch: the resourceVersion did.
    if (code === 410) this.relist = this.beginListing(this.phase.kind === 'listing' ? false : this.watchListUsable);
    return 'retry';
  }

  private beginListing(streamed: boolean): Relist {
    this.phase = streamed ? { kind: 'streaming-list' } : { kind: 'listing' };
    return this.known.startRelist((metadata) => this.stub(metadata));
  }

  private finishListing(resourceVersion: string, out: WatchEvent[]): void {
    this.relist.finish(out);
    if (!this.isSynced) {
      this.isSynced = true;
      out.push({ type: 'SYNCED' });
    }
    this.phase = { kind: 'watching', resourceVersion };
  }

  private objectEvent(type: ObjectEvent['type'], object: WatchedObject, out: WatchEvent[]): void {
    if (this.phase.kind === 'streaming-list') this.relist.take(object, !this.isSynced, out);
    else if (this.phase.kind === 'watching') {
      const rv = object.metadata?.resourceVersion;
      if (rv) this.phase.resourceVersion = rv;
      if (this.known.observe(type, object)) out.push({ type, object });
    }
  }

  private stub(metadata: WatchedMetadata): WatchedObject {
    return { apiVersion: this.apiVersion, kind: this.kind, metadata };
  }
}
