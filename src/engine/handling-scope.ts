/**
 * What is being handled right now, per async context: the running operator's services, the object of
 * the handler (if any) and, for changing handlers, what sub-handlers need. Handlers call free functions
 * (`kopf.info()`, `kopf.subhandler()`, `kopf.adopt()`) without passing the operator or the object: those
 * functions read this scope. Several operators in one process keep apart, since each handler runs in its
 * own scope.
 *
 * The store lives on `globalThis`: a user's operator file may load a second copy of kopf-ts (its own
 * `node_modules`) and must still see the scope the CLI's copy set.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';
import type { JsonObject } from '../core/field-path.ts';
import type { Resource } from '../core/resource-selector.ts';
import type { OperatorSettings } from '../registry/settings.ts';

/** One Kubernetes Event to post, as the handlers' event functions and the logs→Events hook ask for it. */
export interface EventRequest {
  /** `Normal`, `Warning`, `Error`, `Debug` … */
  type: string;
  reason: string;
  message: string;
  /** Retry delays (seconds) of this POST; the poster's default when undefined. */
  backoffs?: number | Iterable<number>;
}

/** The running operator's Event poster, as handlers reach it: enqueues, never waits. */
export interface EventSink {
  post(object: JsonObject, event: EventRequest): void;
}

/** The object a resource handler runs for. */
export interface ScopeObject {
  readonly body: JsonObject;
  readonly resource: Resource;
  /** The object's logger (lines posted as Events when `posting.loggers` is on). */
  readonly logger: Logger;
}

/** The current handling context. `changing` is the engine's own (sub-handler bookkeeping). */
export interface HandlingScope {
  readonly settings: OperatorSettings;
  readonly events: EventSink;
  readonly object?: ScopeObject;
  readonly changing?: unknown;
}

const storeKey = Symbol.for('kopf-ts.handling-scope');
const holder = globalThis as { [storeKey]?: AsyncLocalStorage<HandlingScope> };
const store: AsyncLocalStorage<HandlingScope> = (holder[storeKey] ??= new AsyncLocalStorage<HandlingScope>());

/** The scope of the current async context, if a running operator set one. */
export function currentScope(): HandlingScope | undefined {
  return store.getStore();
}

/** Runs `fn` (and everything it starts) in `scope`. */
export function runInScope<T>(scope: HandlingScope, fn: () => T): T {
  return store.run(scope, fn);
}
