/**
 * Handler records: what one registration produces — the function, its id, its selector, filters and
 * behaviour — frozen, grouped in families as the engine consumes them (Kopf's activity, changing,
 * watching, indexing, spawning and webhook registries).
 */
import type { ObjectFilters } from '../core/filters.ts';
import type { FieldPath } from '../core/field-path.ts';
import type { ErrorsMode } from '../core/handler-errors.ts';
import type { ResourceSelector } from '../core/resource-selector.ts';
import { handlerForm } from '../core/retries.ts';
import type { Activity, Operation, Reason } from './context.ts';
import type { ActivityKind } from './kinds.ts';

/** The filter callbacks' context, opaque to the records (each kind's is typed at registration). */
export type AnyFilterContext = any;

/** The handler function, as stored: the engine calls it with the context of its kind. */
export type StoredFn = (context: any) => unknown;

/** What every record holds. */
interface HandlerBase {
  /** The handler's id (option, else the function's name; with a `/field` suffix or a `parent/` prefix where due). */
  readonly id: string;
  readonly fn: StoredFn;
  readonly param: unknown;
}

/** How a retried handler's failures are treated; `undefined` limits mean none. */
export interface RetryPolicy {
  /** Resolved per kind when not given. */
  readonly errors: ErrorsMode;
  /** Seconds since the first attempt. */
  readonly timeout: number | undefined;
  /** Number of attempts. */
  readonly retries: number | undefined;
  /** Seconds; `undefined` means `settings.execution.defaultBackoff`. */
  readonly backoff: number | undefined;
}

/** What every handler of objects holds. */
interface ResourceHandlerBase extends HandlerBase {
  /** `undefined` only for sub-handlers, which apply to their parent's object. */
  readonly selector: ResourceSelector | undefined;
  readonly filters: ObjectFilters<AnyFilterContext>;
  /** The `field` option, parsed. */
  readonly field: FieldPath | undefined;
}

/** `on.startup/cleanup/login/probe`. */
export interface ActivityHandler extends HandlerBase, RetryPolicy {
  readonly family: 'activities';
  readonly kind: ActivityKind;
  readonly activity: Activity;
}

/** `on.resume/create/update/delete/field` and sub-handlers (`kopf.subhandler`, `kopf.register`, `kopf.execute`). */
export interface ChangingHandler extends ResourceHandlerBase, RetryPolicy {
  readonly family: 'changing';
  readonly kind: 'resume' | 'create' | 'update' | 'delete' | 'field' | 'subhandler';
  /** The cause it handles; `undefined` for field handlers and sub-handlers, which serve every changing cause. */
  readonly reason: Reason | undefined;
  /** Whether it runs only for objects found at the operator's start (`on.resume`). */
  readonly initial: boolean;
  /** For resume handlers: whether objects already being deleted are resumed too. */
  readonly deleted: boolean;
  /** Whether the object keeps the finalizer while the handler applies (mandatory delete handlers). */
  readonly requiresFinalizer: boolean;
  /** Whether the `field` must have changed (update, field, and the sub-handlers under them). */
  readonly fieldNeedsChange: boolean;
}

/** `on.event`: errors are logged and ignored, never retried. */
export interface WatchingHandler extends ResourceHandlerBase {
  readonly family: 'watching';
  readonly kind: 'event';
}

/** `on.index`: the id names the index. */
export interface IndexingHandler extends ResourceHandlerBase, RetryPolicy {
  readonly family: 'indexing';
  readonly kind: 'index';
}

/** A delay in seconds, or a callback computing it from the filter context. */
export type DelaySpec = number | ((context: AnyFilterContext) => number);

/** `on.daemon`. */
export interface DaemonHandler extends ResourceHandlerBase, RetryPolicy {
  readonly family: 'spawning';
  readonly kind: 'daemon';
  readonly requiresFinalizer: boolean;
  readonly initialDelay: DelaySpec | undefined;
  readonly cancellationBackoff: number | undefined;
  readonly cancellationTimeout: number | undefined;
  /** `undefined` means `settings.background.cancellationPolling`. */
  readonly cancellationPolling: number | undefined;
}

/** `on.timer`. */
export interface TimerHandler extends ResourceHandlerBase, RetryPolicy {
  readonly family: 'spawning';
  readonly kind: 'timer';
  readonly requiresFinalizer: boolean;
  readonly initialDelay: DelaySpec | undefined;
  readonly interval: number | undefined;
  readonly sharp: boolean;
  readonly idle: number | undefined;
}

/** `on.validate/mutate`: errors are always permanent. */
export interface WebhookHandler extends ResourceHandlerBase {
  readonly family: 'webhooks';
  readonly kind: 'validate' | 'mutate';
  readonly type: 'validating' | 'mutating';
  readonly errors: 'permanent';
  /** `undefined` means every operation. */
  readonly operations: readonly Operation[] | undefined;
  /** `undefined` means the main resource only; `'*'` the main resource and every subresource. */
  readonly subresource: string | undefined;
  readonly persistent: boolean;
  readonly sideEffects: boolean;
  readonly ignoreFailures: boolean;
}

/** Daemons and timers: spawned per object. */
export type SpawningHandler = DaemonHandler | TimerHandler;

/** Handlers of objects. */
export type ResourceHandler = ChangingHandler | WatchingHandler | IndexingHandler | SpawningHandler | WebhookHandler;

/** Any handler record. */
export type Handler = ActivityHandler | ResourceHandler;

/** The families, as the registry groups them. */
export type HandlerFamily = Handler['family'];

/** The noun Kopf's log lines use for each kind of handler. */
const titleNouns: Partial<Record<Handler['kind'], string>> = {
  daemon: 'Daemon',
  timer: 'Timer',
  index: 'Indexer',
  validate: 'Webhook',
  mutate: 'Webhook',
  startup: 'Activity',
  cleanup: 'Activity',
  login: 'Activity',
  probe: 'Activity',
};

/** How logs name a handler (Kopf's forms, matched by end-to-end tests): `Handler 'id'`, `Daemon 'id'` … */
export function handlerTitle(handler: Handler): string {
  return handlerForm(handler.id, titleNouns[handler.kind] ?? 'Handler');
}
