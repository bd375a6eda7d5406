/**
 * The one context object every handler receives, per handler kind: Kopf's keyword arguments in
 * camelCase (`body, spec, meta, status, uid, name, namespace, labels, annotations, patch, logger, memo,
 * resource, reason, diff, old, new, retry, started, runtime, param, type, event, stopped, indexes,
 * settings`, the admission ones) plus `api`. The engine builds these objects; this module only types
 * them, generic over the object's body type `T`.
 *
 * Some members are seams filled by other layers: `HandlerApi` (the client), `Memo` and `Indexes`
 * (open to declaration merging by users who want them typed).
 */
import type { UserInfo } from 'kubernetes-types/authentication/v1.js';
import type { Logger } from 'pino';
import type { Diff } from '../core/diff.ts';
import type { ObjectPatch } from '../core/object-patch.ts';
import type { Resource } from '../core/resource-selector.ts';
import type { AnyObject, Body, MetaOf, SpecOf, StatusOf } from './objects.ts';
import type { OperatorSettings } from './settings.ts';

/**
 * The `api` member: a client for the cluster the operator talks to. The registry may not import the
 * client layer, so this interface is empty here; `src/index.ts` merges the client's API type into it
 * (`declare module './registry/context.ts' { interface HandlerApi extends Api {} }`).
 */
export interface HandlerApi {}

/**
 * The operator's memo: for activities the operator-wide object, for resource handlers a per-object
 * shallow copy of it. Users type their own members by declaration merging
 * (`declare module 'kopf-ts' { interface Memo { db: Database } }`).
 */
export interface Memo {
  [key: string]: any;
}

/** The values an index holds under one key: an unordered collection, duplicates allowed. */
export interface Store<V = unknown> extends Iterable<V> {
  readonly size: number;
  /** Whether some stored value equals this one. */
  has(value: V): boolean;
}

/** One `kopf.index` handler's index: its keys, each with the values all objects stored under it. */
export type Index<K = unknown, V = unknown> = ReadonlyMap<K, Store<V>>;

/**
 * Every index by its handler's id. Users type their own by declaration merging
 * (`declare module 'kopf-ts' { interface Indexes { podsByNode: Index<string, string> } }`).
 */
export interface Indexes {
  [id: string]: Index;
}

/** Why a daemon or timer is being stopped (Kopf's `DaemonStoppingReason` flags). */
export type DaemonStoppingReason =
  | 'done'
  | 'resource-deleted'
  | 'operator-pausing'
  | 'operator-exiting'
  | 'filters-mismatch'
  | 'daemon-signalled'
  | 'daemon-cancelled'
  | 'daemon-abandoned';

/** The `stopped` member of daemons and timers: tells them when to exit. */
export interface DaemonStopped {
  /** Whether the daemon has been asked to stop. */
  readonly isSet: boolean;
  /** Every reason given so far; empty while not asked to stop. */
  readonly reasons: ReadonlySet<DaemonStoppingReason>;
  /** Aborted when the daemon is asked to stop: pass it to requests and timers so they end with it. */
  readonly signal: AbortSignal;
  /** Resolves when the daemon is asked to stop or after `seconds` (if given), whichever comes first; true if asked to stop. */
  wait(seconds?: number): Promise<boolean>;
}

/**
 * The `patch` member: changes to the handled object, merged into the one patch the cycle sends after the
 * handlers (JSON merge patch: objects merge, `null` deletes a field, arrays replace). `patch.spec`,
 * `patch.status`, `patch.metadata`, `patch.labels`, `patch.annotations` are created on first use;
 * `set/unset/get/has` work on any field path. The cycle's own bookkeeping (finalizers, results) is not
 * part of this view.
 */
export type Patch = Pick<ObjectPatch, 'metadata' | 'labels' | 'annotations' | 'spec' | 'status' | 'get' | 'has' | 'set' | 'unset'>;

/** The reasons of changing handlers, in Kopf's words. */
export type Reason = 'create' | 'update' | 'delete' | 'resume';

/** Raw watch event types; `null` for objects of the initial listing. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | null;

/** Admission request operations. */
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** Members every handler gets. */
export interface BaseContext {
  /** The handler's logger; for resource handlers it carries the object (`[ns/name]` in plain format). */
  logger: Logger;
  memo: Memo;
  indexes: Indexes;
  /** The `param` option of the handler's registration. */
  param: unknown;
}

/** Members of handlers that are retried. */
export interface AttemptContext {
  /** How many attempts were made before this one (0 on the first). */
  retry: number;
  /** When the first attempt started. */
  started: Date;
  /** Seconds since the first attempt started. */
  runtime: number;
}

/** Members of handlers of one object. */
export interface ObjectContext<T> {
  /** The object, read-only; for daemons and timers always the latest version seen. */
  body: Readonly<Body<T>>;
  /** The object's `spec`, or an empty object. */
  spec: Readonly<SpecOf<T>>;
  /** The object's `metadata`. */
  meta: Readonly<MetaOf<T>>;
  /** The object's `status`, or an empty object. */
  status: Readonly<StatusOf<T>>;
  uid: string;
  name: string;
  /** `undefined` for cluster-scoped objects. */
  namespace: string | undefined;
  /** The object's labels, or an empty object. */
  labels: Readonly<Record<string, string>>;
  /** The object's annotations, or an empty object. */
  annotations: Readonly<Record<string, string>>;
  /** Changes to the object, applied after the handler returns. */
  patch: Patch;
  /** The resource the object belongs to, as discovered (not the selector). */
  resource: Resource;
  api: HandlerApi;
}

/** Context of `on.resume/create/update/delete/field` handlers and their sub-handlers. */
export interface ChangingContext<T = AnyObject> extends BaseContext, AttemptContext, ObjectContext<T> {
  reason: Reason;
  /** The changes between the last handled state and now (reduced to `field` for handlers with a field). */
  diff: Diff;
  /** The last handled state (essence), or the field's old value for handlers with `field`; `undefined` if none. */
  old: unknown;
  /** The current state (essence), or the field's new value for handlers with `field`; `undefined` if none. */
  new: unknown;
}

/** Context of `on.event` handlers. */
export interface EventContext<T = AnyObject> extends BaseContext, AttemptContext, ObjectContext<T> {
  type: WatchEventType;
  /** The raw watch event. */
  event: { type: WatchEventType; object: Body<T> };
}

/** Context of `on.index` handlers. */
export interface IndexContext<T = AnyObject> extends BaseContext, AttemptContext, ObjectContext<T> {}

/** Context of `on.daemon` handlers. */
export interface DaemonContext<T = AnyObject> extends BaseContext, AttemptContext, ObjectContext<T> {
  stopped: DaemonStopped;
}

/** Context of `on.timer` handlers. */
export interface TimerContext<T = AnyObject> extends BaseContext, AttemptContext, ObjectContext<T> {
  stopped: DaemonStopped;
}

/** Context of `on.validate/mutate` handlers. */
export interface WebhookContext<T = AnyObject>
  extends BaseContext,
    AttemptContext,
    Omit<ObjectContext<T>, 'uid' | 'name'> {
  /** Absent on creation requests. */
  uid: string | undefined;
  /** Absent on creation requests of objects named by `generateName`. */
  name: string | undefined;
  /** Whether the request is a dry run: the handler must have no side effects then. */
  dryrun: boolean;
  /** Warnings returned to the API client; append to it. */
  warnings: string[];
  userinfo: UserInfo;
  /** The HTTP headers of the admission request. */
  headers: Record<string, string>;
  /** The client certificate of the API server's connection, if it presented one. */
  sslpeer: Record<string, unknown>;
  operation: Operation | undefined;
  /** `undefined` for the main resource, e.g. `'status'` or `'scale'` otherwise. */
  subresource: string | undefined;
  /** The changes between the old and the new object. */
  diff: Diff;
  /** The object before the operation (updates and deletions). */
  old: Body<T> | undefined;
  /** The object after the operation (creations and updates). */
  new: Body<T> | undefined;
}

/** The activities, as Kopf names them (`on.login` handlers serve `authentication`). */
export type Activity = 'startup' | 'cleanup' | 'authentication' | 'probe';

/** Context of `on.startup/cleanup/probe` handlers. */
export interface ActivityContext extends BaseContext, AttemptContext {
  activity: Activity;
  /** The live settings; changes made in `on.startup` take effect. */
  settings: OperatorSettings;
  api: HandlerApi;
}

/** Context of `on.login` handlers: no `api`, since they are what provides the credentials. */
export interface LoginContext extends BaseContext, AttemptContext {
  activity: 'authentication';
  settings: OperatorSettings;
}

/**
 * What filter callbacks (`when`, label/annotation/value callbacks) and `initialDelay` callbacks receive:
 * the handler's context without the members of one attempt.
 */
export type FilterContext<C> = Omit<C, 'param' | 'retry' | 'started' | 'runtime' | 'stopped'>;
