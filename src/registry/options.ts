/**
 * The options of each handler kind, as the object before the handler in `kopf.on.<kind>(…)`: Kopf's
 * keyword arguments in camelCase, and only those that apply to the kind, so a misplaced option is a
 * type error (and, for plain JavaScript callers, a run-time error). Durations are in seconds.
 */
import type { MetaFilter, ValueFilter, WhenFilter } from '../core/filters.ts';
import type { ErrorsMode } from '../core/handler-errors.ts';
import type {
  ChangingContext,
  DaemonContext,
  EventContext,
  FilterContext,
  IndexContext,
  Operation,
  TimerContext,
  WebhookContext,
} from './context.ts';
import type { AnyObject } from './objects.ts';

/** A field as users write it: dotted (`'spec.field'`) or as keys (`['metadata', 'labels', 'app']`). */
export type FieldOption = string | readonly string[];

/** Options of every handler. */
export interface BaseOptions {
  /**
   * The handler's id, which keys its progress stored on objects (so it must stay the same across
   * restarts). Default: the function's name; field handlers get `/<field>` appended.
   */
  id?: string;
  /** Any value, passed back to the handler as `param` (to share one function between registrations). */
  param?: unknown;
}

/** How failures of a retried handler are treated. */
export interface RetryOptions {
  /** How errors other than `TemporaryError`/`PermanentError` count. Default per kind (`'temporary'` mostly). */
  errors?: ErrorsMode;
  /** Seconds since the first attempt after which the handler fails for good. Default: none. */
  timeout?: number;
  /** How many attempts the handler gets. Default: unlimited. */
  retries?: number;
  /** Seconds before retrying after an arbitrary error. Default `settings.execution.defaultBackoff` (60). */
  backoff?: number;
}

/** Which objects a resource handler applies to, beyond its resource selector. `C` is what callbacks get. */
export interface FilterOptions<C> {
  /** Per label: the exact value, `kopf.PRESENT`, `kopf.ABSENT`, or a callback `(value, context) => boolean`. */
  labels?: MetaFilter<C>;
  /** Per annotation: the exact value, `kopf.PRESENT`, `kopf.ABSENT`, or a callback. */
  annotations?: MetaFilter<C>;
  /** A synchronous predicate over the context, evaluated after every other filter. */
  when?: WhenFilter<C>;
  /** A field that must be present (or match `value`); changing handlers see only that field in `old/new/diff`. */
  field?: FieldOption;
  /** With `field`: the field's value — a literal, `kopf.PRESENT`, `kopf.ABSENT`, or a callback. */
  value?: ValueFilter<C>;
}

/** Filters on how a field changed (update and field handlers). */
export interface ChangeFilterOptions<C> {
  /** With `field`: what the field's value was before the change. Excludes `value`. */
  old?: ValueFilter<C>;
  /** With `field`: what the field's value is after the change. Excludes `value`. */
  new?: ValueFilter<C>;
}

type ChangingFilters<T> = FilterOptions<FilterContext<ChangingContext<T>>>;

/** Options of `on.resume`. */
export interface ResumeHandlerOptions<T = AnyObject> extends BaseOptions, RetryOptions, ChangingFilters<T> {
  /** Whether to resume objects already being deleted when the operator starts. Default false. */
  deleted?: boolean;
}

/** Options of `on.create`. */
export interface CreateHandlerOptions<T = AnyObject> extends BaseOptions, RetryOptions, ChangingFilters<T> {}

/** Options of `on.update`. */
export interface UpdateHandlerOptions<T = AnyObject>
  extends BaseOptions,
    RetryOptions,
    ChangingFilters<T>,
    ChangeFilterOptions<FilterContext<ChangingContext<T>>> {}

/** Options of `on.delete`. */
export interface DeleteHandlerOptions<T = AnyObject> extends BaseOptions, RetryOptions, ChangingFilters<T> {
  /** Whether the handler may be skipped when the object is deleted: it then adds no finalizer. Default false. */
  optional?: boolean;
}

/** Options of `on.field`: `field` is required. */
export interface FieldHandlerOptions<T = AnyObject>
  extends BaseOptions,
    RetryOptions,
    ChangingFilters<T>,
    ChangeFilterOptions<FilterContext<ChangingContext<T>>> {
  field: FieldOption;
}

/** Options of `on.event`: no retries, since event handlers are never retried. */
export interface EventHandlerOptions<T = AnyObject>
  extends BaseOptions,
    FilterOptions<FilterContext<EventContext<T>>> {}

/** Options of `on.index`. */
export interface IndexHandlerOptions<T = AnyObject>
  extends BaseOptions,
    RetryOptions,
    FilterOptions<FilterContext<IndexContext<T>>> {}

/** A synchronous callback giving a delay in seconds from the context. */
export type DelayFn<C> = (context: C) => number;

/** Options of `on.daemon`. */
export interface DaemonHandlerOptions<T = AnyObject>
  extends BaseOptions,
    RetryOptions,
    FilterOptions<FilterContext<DaemonContext<T>>> {
  /** Seconds (or a callback giving them) to wait before the first run; stopping interrupts the wait. */
  initialDelay?: number | DelayFn<FilterContext<DaemonContext<T>>>;
  /** Seconds to let the daemon exit on its own after `stopped` is set, before cancelling it. Default: none. */
  cancellationBackoff?: number;
  /** Seconds to wait for the daemon after cancelling it, before abandoning it. Default: never cancelled. */
  cancellationTimeout?: number;
  /** Seconds between checks whether a stopping daemon has exited. Default `settings.background.cancellationPolling` (60). */
  cancellationPolling?: number;
  /**
   * Whether the daemon blocks its object's deletion (with the finalizer) until it has exited.
   * Default true, as in Kopf; false lets the object go and stops the daemon when it is gone.
   */
  requiresFinalizer?: boolean;
}

/** Options of `on.timer`. */
export interface TimerHandlerOptions<T = AnyObject>
  extends BaseOptions,
    RetryOptions,
    FilterOptions<FilterContext<TimerContext<T>>> {
  /** Seconds between runs; without it (and without `idle`) the timer runs once. */
  interval?: number;
  /** Seconds (or a callback giving them) to wait before the first run. */
  initialDelay?: number | DelayFn<FilterContext<TimerContext<T>>>;
  /** Whether runs keep to a fixed grid of `interval` regardless of how long each run takes. Default false. */
  sharp?: boolean;
  /** Seconds the object must have gone without essential changes before the timer runs. */
  idle?: number;
  /** Whether the timer blocks its object's deletion (with the finalizer) until stopped. Default true, as in Kopf. */
  requiresFinalizer?: boolean;
}

/** Options of `on.validate` and `on.mutate`: errors are always permanent, so no retry options. */
export interface WebhookHandlerOptions<T = AnyObject>
  extends BaseOptions,
    FilterOptions<FilterContext<WebhookContext<T>>> {
  /** @deprecated Use `operations`; merged into it. */
  operation?: Operation;
  /** The operations the webhook is for. Default: all. Must not be empty. */
  operations?: readonly Operation[];
  /** `'status'`, `'scale'` …, or `'*'` for the main resource and all subresources. Default: the main resource only. */
  subresource?: string;
  /** Whether the managed webhook configuration keeps this entry after the operator exits. Default false. */
  persistent?: boolean;
  /** Whether the handler has side effects on dry runs skipped (`sideEffects: NoneOnDryRun`). Default false (`None`). */
  sideEffects?: boolean;
  /** Whether the API server admits requests when the webhook fails (`failurePolicy: Ignore`). Default false (`Fail`). */
  ignoreFailures?: boolean;
}

/** Options of `on.startup`, `on.cleanup`, `on.login`, `on.probe`. */
export interface ActivityHandlerOptions extends BaseOptions, RetryOptions {}

/** Options of `kopf.subhandler`: `old`/`new` only under update and field handlers. */
export interface SubhandlerOptions<T = AnyObject>
  extends BaseOptions,
    RetryOptions,
    ChangingFilters<T>,
    ChangeFilterOptions<FilterContext<ChangingContext<T>>> {}

/** Options of `kopf.register`. */
export interface RegisterOptions<T = AnyObject> extends BaseOptions, RetryOptions {
  labels?: MetaFilter<FilterContext<ChangingContext<T>>>;
  annotations?: MetaFilter<FilterContext<ChangingContext<T>>>;
  when?: WhenFilter<FilterContext<ChangingContext<T>>>;
}

