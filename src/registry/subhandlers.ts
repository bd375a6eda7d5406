/**
 * Sub-handlers: handlers a changing handler creates while it runs (`kopf.subhandler`, `kopf.register`),
 * run after it returns or in place (`kopf.execute`), with ids `parent/child` and progress stored like
 * top-level handlers. The registry side lives here — the per-invocation registry, the records and
 * their ids. Knowing which handler is running is the engine's part: it installs a `SubhandlingRuntime`
 * (backed by AsyncLocalStorage) that these functions consult.
 */
import type { Lifecycle } from '../core/lifecycles.ts';
import type { ChangingContext } from './context.ts';
import { checkUniqueId, RegistrationError } from './handler-ids.ts';
import type { ChangingHandler, StoredFn } from './handlers.ts';
import type { HandlerFn } from './kinds.ts';
import type { AnyObject } from './objects.ts';
import type { RegisterOptions, SubhandlerOptions } from './options.ts';
import { buildSubhandler, type RawOptions } from './registration.ts';
import { changingHandlersFor, type ChangeSubject } from './selection.ts';

/** The sub-handlers of one invocation of a changing handler. */
export class SubRegistry {
  readonly #handlers: ChangingHandler[] = [];

  /** Adds a sub-handler; throws a `RegistrationError` if its id is taken by another function. */
  add(handler: ChangingHandler): void {
    checkUniqueId(this.#handlers, handler);
    this.#handlers.push(handler);
  }

  /** Every sub-handler, in registration order (their progress records belong to the object). */
  get handlers(): readonly ChangingHandler[] {
    return [...this.#handlers];
  }

  /** The sub-handlers to run for the parent's cause, minus `excluded` ids. */
  handlersFor(subject: ChangeSubject, excluded?: ReadonlySet<string>): ChangingHandler[] {
    return changingHandlersFor(this.#handlers, subject, excluded);
  }
}

/** The changing handler running in the current async context, and where its sub-handlers go. */
export interface SubhandlingScope {
  parent: ChangingHandler;
  registry: SubRegistry;
}

/** What `kopf.execute()` asks the engine to run. */
export interface ExecuteRequest {
  /** The sub-handlers to run; `undefined` means those accumulated by `kopf.subhandler`/`kopf.register` (run once). */
  registry: SubRegistry | undefined;
  /** The lifecycle to run them with, instead of the parent's. */
  lifecycle: Lifecycle | undefined;
}

/** The engine's side of sub-handling. */
export interface SubhandlingRuntime {
  /** The scope of the changing handler running in the current async context, if any. */
  currentScope(): SubhandlingScope | undefined;
  /** Runs sub-handlers in place, in the current handler's cause, storing their progress; throws to retry the parent later. */
  execute(request: ExecuteRequest): Promise<void>;
}

// On globalThis under a registered symbol, not in this module: the copy of kopf-ts an operator file
// imports (`kopf.subhandler` …) may not be the copy whose engine installs the runtime.
const SUBHANDLING_RUNTIME = Symbol.for('kopf-ts.subhandling-runtime');

const shared = globalThis as { [SUBHANDLING_RUNTIME]?: SubhandlingRuntime };

/** Installs the engine's sub-handling (once per process, by the engine); `undefined` uninstalls it. */
export function installSubhandlingRuntime(installed: SubhandlingRuntime | undefined): void {
  shared[SUBHANDLING_RUNTIME] = installed;
}

function currentScope(what: string): { scope: SubhandlingScope; runtime: SubhandlingRuntime } {
  const runtime = shared[SUBHANDLING_RUNTIME];
  const scope = runtime?.currentScope();
  if (!runtime || !scope) {
    throw new RegistrationError(
      `${what} can only be used inside a running resume/create/update/delete/field handler (or a sub-handler of one)`,
    );
  }
  return { scope, runtime };
}

/**
 * Registers a sub-handler of the running changing handler, with id `parent/<id or function name>`:
 * `kopf.subhandler({ id: 'item-1' }, async function createItem({ spec }) { … })`. Returns the function.
 */
export function subhandler<T = AnyObject>(handler: HandlerFn<ChangingContext<T>>): HandlerFn<ChangingContext<T>>;
export function subhandler<T = AnyObject>(
  options: SubhandlerOptions<T>,
  handler: HandlerFn<ChangingContext<T>>,
): HandlerFn<ChangingContext<T>>;
export function subhandler(...args: unknown[]): unknown {
  const { scope } = currentScope('kopf.subhandler()');
  const [options, fn] = args.length >= 2 ? [args[0] as RawOptions, args[1]] : [{}, args[0]];
  scope.registry.add(buildSubhandler('subhandler', scope.parent, options, fn as StoredFn));
  return fn;
}

/** The functional form of `kopf.subhandler`: `kopf.register(fn, { id })`. Returns the function. */
export function register<T = AnyObject>(
  handler: HandlerFn<ChangingContext<T>>,
  options: RegisterOptions<T> = {},
): HandlerFn<ChangingContext<T>> {
  const { scope } = currentScope('kopf.register()');
  scope.registry.add(buildSubhandler('register', scope.parent, options as RawOptions, handler as StoredFn));
  return handler;
}

/** Sub-handlers for `kopf.execute()`: exactly one of these, or none for those already registered. */
export interface ExecuteOptions<T = AnyObject> {
  /** Functions by id (`{ item1: fn }`), or a list of named functions; ids get the parent's prefix. */
  fns?: Record<string, HandlerFn<ChangingContext<T>>> | Iterable<HandlerFn<ChangingContext<T>>>;
  /** Ready records, used with their ids as they are. */
  handlers?: Iterable<ChangingHandler>;
  /** A ready sub-registry, used as it is. */
  registry?: SubRegistry;
  /** The lifecycle to run them with (`asap`, `oneByOne` …), instead of the parent's. */
  lifecycle?: Lifecycle;
}

/** The sub-registry an `execute` call runs, built from its options (the registry side of `kopf.execute`). */
export function executionRegistry(parent: ChangingHandler, options: ExecuteOptions<unknown>): SubRegistry | undefined {
  const given = [options.fns, options.handlers, options.registry].filter((value) => value !== undefined);
  if (given.length > 1) throw new RegistrationError('kopf.execute(): pass only one of fns, handlers, registry');
  if (options.registry) return options.registry;
  if (options.handlers) {
    const registry = new SubRegistry();
    for (const handler of options.handlers) registry.add(handler);
    return registry;
  }
  if (options.fns) {
    const registry = new SubRegistry();
    const fns = options.fns;
    const entries: Array<[string | undefined, unknown]> =
      Symbol.iterator in fns ? [...fns].map((fn) => [undefined, fn]) : Object.entries(fns);
    for (const [id, fn] of entries) {
      if (typeof fn !== 'function') throw new RegistrationError(`kopf.execute(): fns must be functions, got ${typeof fn}`);
      registry.add(buildSubhandler('register', parent, id === undefined ? {} : { id }, fn as StoredFn));
    }
    return registry;
  }
  return undefined;
}

/**
 * Runs sub-handlers now, inside the running changing handler, instead of after it returns:
 * `await kopf.execute({ fns: { a: fnA, b: fnB } })`. Without options, runs those registered so far.
 * If some have not finished, it throws so that the parent is retried, as in Kopf.
 */
export async function execute<T = AnyObject>(options: ExecuteOptions<T> = {}): Promise<void> {
  const { scope, runtime: installed } = currentScope('kopf.execute()');
  const registry = executionRegistry(scope.parent, options as ExecuteOptions<unknown>);
  await installed.execute({ registry, lifecycle: options.lifecycle });
}
