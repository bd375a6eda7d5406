/**
 * `kopf.on.<kind>(...selector, [options], handler)`: the typed registration functions. Each returns
 * the handler unchanged, so one function can be registered several times.
 *
 * Typing: the handler's context is that of its kind, and its body type is, in this order, the type
 * argument (`kopf.on.create<MyResource>(…)`), the built-in kind the selector names
 * (`kopf.on.event('v1', 'pods', …)` gives `body: Pod`), or `AnyObject`. Options are those of the kind.
 */
import type { ActivityKinds, HandlerFn, HandlerKind, ResourceKind, ResourceKinds } from './kinds.ts';
import { handlerKinds } from './kinds.ts';
import type { SelectedBody, SelectorHead, SelectorTail } from './builtin-kinds.ts';
import type { Handler } from './handlers.ts';
import type { KubernetesObject } from './objects.ts';
import { buildHandler } from './registration.ts';

/** The body type: the explicit type argument if given (`never` marks "not given"), else the selector's. */
export type BodyFor<T, Selector extends readonly unknown[]> = [T] extends [never] ? SelectedBody<Selector> : T;

/** The handler function of a kind for a body type. */
export type ResourceHandlerFn<K extends ResourceKind, B> = HandlerFn<ResourceKinds<B>[K]['context']>;

/** The options of a kind for a body type. */
export type ResourceOptions<K extends ResourceKind, B> = ResourceKinds<B>[K]['options'];

/** `kopf.on.field`: the options (with `field`) are required. */
export interface FieldRegistrar {
  <T extends KubernetesObject = never, const A extends SelectorHead = SelectorHead>(
    a: A,
    options: ResourceOptions<'field', BodyFor<T, [A]>>,
    handler: ResourceHandlerFn<'field', BodyFor<T, [A]>>,
  ): ResourceHandlerFn<'field', BodyFor<T, [A]>>;
  <T extends KubernetesObject = never, const A extends string = string, const B extends SelectorTail = SelectorTail>(
    a: A,
    b: B,
    options: ResourceOptions<'field', BodyFor<T, [A, B]>>,
    handler: ResourceHandlerFn<'field', BodyFor<T, [A, B]>>,
  ): ResourceHandlerFn<'field', BodyFor<T, [A, B]>>;
  <
    T extends KubernetesObject = never,
    const A extends string = string,
    const B extends string = string,
    const C extends SelectorTail = SelectorTail,
  >(
    a: A,
    b: B,
    c: C,
    options: ResourceOptions<'field', BodyFor<T, [A, B, C]>>,
    handler: ResourceHandlerFn<'field', BodyFor<T, [A, B, C]>>,
  ): ResourceHandlerFn<'field', BodyFor<T, [A, B, C]>>;
}

/** `kopf.on.<kind>` for handlers of objects: a selector of 1–3 arguments, optional options, the handler. */
export interface ResourceRegistrar<K extends ResourceKind> {
  <T extends KubernetesObject = never, const A extends SelectorHead = SelectorHead>(
    a: A,
    handler: ResourceHandlerFn<K, BodyFor<T, [A]>>,
  ): ResourceHandlerFn<K, BodyFor<T, [A]>>;
  <T extends KubernetesObject = never, const A extends SelectorHead = SelectorHead>(
    a: A,
    options: ResourceOptions<K, BodyFor<T, [A]>>,
    handler: ResourceHandlerFn<K, BodyFor<T, [A]>>,
  ): ResourceHandlerFn<K, BodyFor<T, [A]>>;
  <T extends KubernetesObject = never, const A extends string = string, const B extends SelectorTail = SelectorTail>(
    a: A,
    b: B,
    handler: ResourceHandlerFn<K, BodyFor<T, [A, B]>>,
  ): ResourceHandlerFn<K, BodyFor<T, [A, B]>>;
  <T extends KubernetesObject = never, const A extends string = string, const B extends SelectorTail = SelectorTail>(
    a: A,
    b: B,
    options: ResourceOptions<K, BodyFor<T, [A, B]>>,
    handler: ResourceHandlerFn<K, BodyFor<T, [A, B]>>,
  ): ResourceHandlerFn<K, BodyFor<T, [A, B]>>;
  <
    T extends KubernetesObject = never,
    const A extends string = string,
    const B extends string = string,
    const C extends SelectorTail = SelectorTail,
  >(
    a: A,
    b: B,
    c: C,
    handler: ResourceHandlerFn<K, BodyFor<T, [A, B, C]>>,
  ): ResourceHandlerFn<K, BodyFor<T, [A, B, C]>>;
  <
    T extends KubernetesObject = never,
    const A extends string = string,
    const B extends string = string,
    const C extends SelectorTail = SelectorTail,
  >(
    a: A,
    b: B,
    c: C,
    options: ResourceOptions<K, BodyFor<T, [A, B, C]>>,
    handler: ResourceHandlerFn<K, BodyFor<T, [A, B, C]>>,
  ): ResourceHandlerFn<K, BodyFor<T, [A, B, C]>>;
}

/** `kopf.on.startup/cleanup/login/probe`: optional options, the handler. */
export interface ActivityRegistrar<K extends keyof ActivityKinds> {
  (handler: HandlerFn<ActivityKinds[K]['context']>): HandlerFn<ActivityKinds[K]['context']>;
  (options: ActivityKinds[K]['options'], handler: HandlerFn<ActivityKinds[K]['context']>): HandlerFn<ActivityKinds[K]['context']>;
}

/** Every `kopf.on.<kind>`. */
export interface On {
  /** Objects found when the operator starts (and not yet handled in this process). */
  resume: ResourceRegistrar<'resume'>;
  /** Objects with no handled state yet. */
  create: ResourceRegistrar<'create'>;
  /** Objects whose essence changed since last handled. */
  update: ResourceRegistrar<'update'>;
  /** Objects being deleted (a finalizer holds them until done, unless `optional`). */
  delete: ResourceRegistrar<'delete'>;
  /** Changes of one field, on any changing cause (creation included). */
  field: FieldRegistrar;
  /** Every raw watch event; never retried. */
  event: ResourceRegistrar<'event'>;
  /** Indexing of objects, before any other handler. */
  index: ResourceRegistrar<'index'>;
  /** A long-running task per object. */
  daemon: ResourceRegistrar<'daemon'>;
  /** A periodic task per object. */
  timer: ResourceRegistrar<'timer'>;
  /** Validating admission webhook. */
  validate: ResourceRegistrar<'validate'>;
  /** Mutating admission webhook. */
  mutate: ResourceRegistrar<'mutate'>;
  /** Once before the operator starts; it starts only when all succeed. */
  startup: ActivityRegistrar<'startup'>;
  /** Once when the operator exits gracefully. */
  cleanup: ActivityRegistrar<'cleanup'>;
  /** Provides credentials, at start and whenever they are all rejected. */
  login: ActivityRegistrar<'login'>;
  /** Contributes to the liveness endpoint's answer. */
  probe: ActivityRegistrar<'probe'>;
}

/** The registration functions of every kind, each adding the record it builds with `add`. */
export function createOn(add: (handler: Handler) => void): On {
  const registrar = (kind: HandlerKind) => (...args: unknown[]) => {
    add(buildHandler(kind, args));
    return args[args.length - 1];
  };
  return Object.freeze(Object.fromEntries(handlerKinds.map((kind) => [kind, registrar(kind)]))) as unknown as On;
}
