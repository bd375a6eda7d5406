/**
 * The watch that never goes blind: list (or stream the initial listing), then
 * watch from the listing's resourceVersion, forever, whatever the server and
 * the network do. Which request comes next and what the answers mean is the
 * pure state machine of `core/watch-machine.ts`; `watch-driver.ts` makes the
 * requests, reads the streams, keeps the inactivity deadline, and waits the
 * jittered backoff between failed attempts. This file is the public face:
 * the options, their checks, and `watchResource()`.
 *
 *   - every event and bookmark advances the resourceVersion; bookmarks are
 *     always requested;
 *   - a stream silent for longer than `inactivityTimeoutMs` is dead: it is
 *     dropped and the watch resumes from its resourceVersion;
 *   - a stream the server ends (after `serverTimeoutSeconds`, or its own
 *     timeout), or the client closes after `clientTimeoutMs`, is reopened
 *     from its resourceVersion after `reconnectDelayMs`; that is no incident;
 *   - 410 Gone (HTTP or an ERROR event) relists, and the relist is compared
 *     against what was known: only changes are reported, and objects that
 *     vanished meanwhile come as synthesized DELETED events;
 *   - every other failure is retried after a jittered exponential backoff
 *     (longer if the server sent `Retry-After`); only bad credentials and
 *     missing permissions end the watch, by throwing from the iterator.
 */
import { checkBackoffSettings, defaultBackoff, type BackoffSettings } from '../core/backoff.ts';
import { parseFieldSelector } from '../core/field-selector.ts';
import { parseLabelSelector } from '../core/label-selector.ts';
import type { WatchedObject, WatchEvent } from '../core/watch-event.ts';
import { WatchMachine } from '../core/watch-machine.ts';
import type { Transport } from './transport.ts';
import { WatchDriver, type DriverSettings } from './watch-driver.ts';

/** The two requests a watch makes; any `Transport` has them. */
export type WatchTransport = Pick<Transport, 'request' | 'stream'>;

/** A resource as discovery describes it. */
export interface WatchedResource {
  /** `''` for the core group. */
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

/** Something that went wrong and what the watch does about it: for logs and metrics. */
export interface WatchIncident {
  /**
   * `failed`: a request failed or a stream broke or reported an error;
   * `expired`: 410 Gone, the watch relists;
   * `silent`: no byte arrived within the inactivity timeout, the stream is dropped;
   * `watch-list-rejected`: the server does not offer the watch-list form, the watch lists in pages from now on.
   */
  kind: 'failed' | 'expired' | 'silent' | 'watch-list-rejected';
  /** A list request, opening a watch stream, or reading one. */
  phase: 'list' | 'watch' | 'stream';
  /** The error (an ApiError, a ConnectionError …), when there is one. */
  error?: unknown;
  /** How long the watch waits before its next request, in milliseconds. */
  delayMs: number;
  /** The resourceVersion the watch resumes from; undefined when it lists next. */
  resourceVersion?: string;
}

/** Options of `watchResource()`. */
export interface WatchOptions {
  /** Watch one namespace of a namespaced resource; all namespaces when unset. */
  namespace?: string;
  /** A label selector (`app=web,tier!=db`), checked before the watch starts. */
  labelSelector?: string;
  /** A field selector (`metadata.name=x`), checked before the watch starts. */
  fieldSelector?: string;
  /**
   * Milliseconds without a single byte from the stream after which it counts
   * as dead and is reopened from the last resourceVersion. Default 70 000, as
   * Kopf's `settings.watching.inactivity_timeout`: longer than the ~60 s
   * between the server's bookmarks, so a healthy idle stream is not dropped.
   */
  inactivityTimeoutMs?: number;
  /** The pauses between failed attempts (default: `defaultBackoff` of core/backoff.ts, 0.5 s doubling to 30 s). */
  backoff?: Partial<BackoffSettings>;
  /**
   * Seconds after which the server ends each watch stream (`timeoutSeconds=` of the watch requests), a
   * positive integer; the watch then reopens it from its resourceVersion. Unset: the server decides
   * (kube-apiserver: 30 to 60 minutes).
   */
  serverTimeoutSeconds?: number;
  /**
   * Milliseconds to pause before reopening a stream that ended normally — the server closed it after
   * delivering events, or after `serverTimeoutSeconds`. Default 0. A stream that ends early with nothing
   * delivered is treated as a failed attempt instead, paced by `backoff`, so a server or proxy that keeps
   * closing streams at once is not hammered.
   */
  reconnectDelayMs?: number;
  /** Ends the watch: the iterator finishes without an error. */
  signal?: AbortSignal;
  /**
   * Stream the initial listing as watch events (`sendInitialEvents=true`)
   * when the server offers it, falling back to paginated lists when it
   * rejects the form. Default true.
   */
  useWatchList?: boolean;
  /** Items per page of a paginated list (default 500); `null` lists everything in one request, without `limit`. */
  pageSize?: number | null;
  /**
   * Milliseconds a watch request may last in total, from sending it: then the stream is closed and reopened
   * from its resourceVersion (after `reconnectDelayMs`), which is no incident. Unset: no limit.
   */
  clientTimeoutMs?: number;
  /** Told about every failure, relist and dropped stream, with the pause that follows. */
  onIncident?: (incident: WatchIncident) => void;
}

/** Kopf's `settings.watching.inactivity_timeout`. */
export const defaultInactivityTimeoutMs = 70_000;

/** kubectl's page size. */
const defaultPageSize = 500;

function checkOptions(resource: WatchedResource, options: WatchOptions): DriverSettings {
  const what = `${resource.plural}${resource.group ? `.${resource.group}` : ''}`;
  try {
    if (options.labelSelector) parseLabelSelector(options.labelSelector);
    if (options.fieldSelector) parseFieldSelector(options.fieldSelector);
  } catch (error) {
    throw new Error(`cannot watch ${what}: ${(error as Error).message}`, { cause: error });
  }
  const inactivityTimeoutMs = options.inactivityTimeoutMs ?? defaultInactivityTimeoutMs;
  if (!(Number.isFinite(inactivityTimeoutMs) && inactivityTimeoutMs > 0)) {
    throw new RangeError(`inactivityTimeoutMs must be a positive number of milliseconds, not ${options.inactivityTimeoutMs}`);
  }
  const pageSize = options.pageSize === undefined ? defaultPageSize : options.pageSize;
  if (pageSize !== null && !(Number.isInteger(pageSize) && pageSize > 0)) throw new RangeError(`pageSize must be a positive integer or null, not ${options.pageSize}`);
  const { clientTimeoutMs } = options;
  if (clientTimeoutMs !== undefined && !(Number.isFinite(clientTimeoutMs) && clientTimeoutMs > 0)) {
    throw new RangeError(`clientTimeoutMs must be a positive number of milliseconds, not ${clientTimeoutMs}`);
  }
  const { serverTimeoutSeconds } = options;
  if (serverTimeoutSeconds !== undefined && !(Number.isInteger(serverTimeoutSeconds) && serverTimeoutSeconds > 0)) {
    throw new RangeError(`serverTimeoutSeconds must be a positive integer, not ${serverTimeoutSeconds}`);
  }
  const reconnectDelayMs = options.reconnectDelayMs ?? 0;
  if (!(Number.isFinite(reconnectDelayMs) && reconnectDelayMs >= 0)) {
    throw new RangeError(`reconnectDelayMs must be a non-negative number of milliseconds, not ${options.reconnectDelayMs}`);
  }
  return {
    inactivityTimeoutMs,
    serverTimeoutSeconds,
    clientTimeoutMs,
    reconnectDelayMs,
    backoff: checkBackoffSettings({ ...defaultBackoff, ...options.backoff }),
    signal: options.signal,
    onIncident: options.onIncident,
  };
}

/**
 * The iterator of one watch. `return()` (also called when a `for await`
 * loop is left) stops it and closes its stream; later calls answer done.
 */
export interface WatchIterator<T extends WatchedObject = WatchedObject> extends AsyncIterableIterator<WatchEvent<T>> {
  return(): Promise<IteratorResult<WatchEvent<T>, undefined>>;
}

/**
 * Watches a resource: first its current objects (ADDED with `initial: true`,
 * then one `SYNCED`), then every change, for as long as the consumer reads
 * and `signal` is not aborted. Options are checked at once (bad selectors,
 * a namespace for a cluster-scoped resource, bad timings throw here).
 *
 * The iterator throws only for bad credentials or missing permissions (the
 * transport's terminal ApiError). Breaking out of the loop closes the stream.
 */
export function watchResource<T extends WatchedObject = WatchedObject>(
  transport: WatchTransport,
  resource: WatchedResource,
  options: WatchOptions = {},
): WatchIterator<T> {
  const settings = checkOptions(resource, options);
  const machine = new WatchMachine(
    { ...resource, namespace: options.namespace, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector },
    { pageSize: options.pageSize === undefined ? defaultPageSize : (options.pageSize ?? undefined), useWatchList: options.useWatchList ?? true },
  );
  return new WatchDriver(transport, machine, settings) as unknown as WatchIterator<T>;
}
