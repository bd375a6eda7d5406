/**
 * The handler kinds of `kopf.on.*`, each with its context and options types, in one table so the
 * registration functions of all kinds share one typed shape instead of one copy per kind.
 */
import type {
  ActivityContext,
  ChangingContext,
  DaemonContext,
  EventContext,
  IndexContext,
  LoginContext,
  TimerContext,
  WebhookContext,
} from './context.ts';
import type { AnyObject } from './objects.ts';
import type {
  ActivityHandlerOptions,
  CreateHandlerOptions,
  DaemonHandlerOptions,
  DeleteHandlerOptions,
  EventHandlerOptions,
  FieldHandlerOptions,
  IndexHandlerOptions,
  ResumeHandlerOptions,
  TimerHandlerOptions,
  UpdateHandlerOptions,
  WebhookHandlerOptions,
} from './options.ts';

/** The kinds of handlers of objects, with their context and options for a body type `T`. */
export interface ResourceKinds<T> {
  resume: { context: ChangingContext<T>; options: ResumeHandlerOptions<T> };
  create: { context: ChangingContext<T>; options: CreateHandlerOptions<T> };
  update: { context: ChangingContext<T>; options: UpdateHandlerOptions<T> };
  delete: { context: ChangingContext<T>; options: DeleteHandlerOptions<T> };
  field: { context: ChangingContext<T>; options: FieldHandlerOptions<T> };
  event: { context: EventContext<T>; options: EventHandlerOptions<T> };
  index: { context: IndexContext<T>; options: IndexHandlerOptions<T> };
  daemon: { context: DaemonContext<T>; options: DaemonHandlerOptions<T> };
  timer: { context: TimerContext<T>; options: TimerHandlerOptions<T> };
  validate: { context: WebhookContext<T>; options: WebhookHandlerOptions<T> };
  mutate: { context: WebhookContext<T>; options: WebhookHandlerOptions<T> };
}

/** The kinds of handlers of the operator's own life, with their context and options. */
export interface ActivityKinds {
  startup: { context: ActivityContext; options: ActivityHandlerOptions };
  cleanup: { context: ActivityContext; options: ActivityHandlerOptions };
  login: { context: LoginContext; options: ActivityHandlerOptions };
  probe: { context: ActivityContext; options: ActivityHandlerOptions };
}

export type ResourceKind = keyof ResourceKinds<AnyObject>;
export type ActivityKind = keyof ActivityKinds;
/** Every `kopf.on.<kind>`. */
export type HandlerKind = ResourceKind | ActivityKind;

/** Every handler kind, in the order the docs list them. */
export const handlerKinds: readonly HandlerKind[] = [
  'resume',
  'create',
  'update',
  'delete',
  'field',
  'event',
  'index',
  'daemon',
  'timer',
  'validate',
  'mutate',
  'startup',
  'cleanup',
  'login',
  'probe',
];

/** Whether a kind is an activity (no selector, no object). */
export function isActivityKind(kind: HandlerKind): kind is ActivityKind {
  return kind === 'startup' || kind === 'cleanup' || kind === 'login' || kind === 'probe';
}

/**
 * A handler function: gets the context, returns a result (stored at `status.<id>` for handlers of
 * objects; for `on.index`, the indexed value; for `on.login`, the credentials; for `on.probe`, the
 * probe's value) or a promise of it.
 */
export type HandlerFn<C> = (context: C) => unknown;
