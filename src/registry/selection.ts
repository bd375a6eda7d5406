/**
 * Which handlers apply to an object and its cause: the selector, then the filters (`core/filters.ts`),
 * then each family's own rules (reasons and the initial listing for changing handlers, the webhook id
 * and operation for admission). Pure functions over handler lists, shared by the operator's registry
 * and by the per-invocation registries of sub-handlers.
 */
import { matches, prematches, type FilterSubject } from '../core/filters.ts';
import type { Resource } from '../core/resource-selector.ts';
import type { Operation, Reason } from './context.ts';
import type { ChangingHandler, Handler, ResourceHandler, WebhookHandler } from './handlers.ts';

/** An object, as the registry needs to know it to select handlers. */
export interface ObjectSubject {
  resource: Resource;
  /** The object as it is now. */
  body: unknown;
  /** Builds the filter callbacks' context (the handler context without the attempt's members); called at most once per handler. */
  context: () => unknown;
}

/** An object and the change being handled (create/update/delete/resume). */
export interface ChangeSubject extends ObjectSubject {
  reason: Reason;
  /** Whether the object came with the initial listing and is not yet fully handled in this process. */
  initial: boolean;
  /** Whether the object is being deleted (has a deletionTimestamp). */
  deleted: boolean;
  /** The last handled essence, `undefined` if none. */
  old: unknown;
  /** The current essence. */
  new: unknown;
}

/** An object under an admission request. */
export interface AdmissionSubject extends ObjectSubject {
  /** The webhook type the request came for, if the server tells. */
  type?: 'validating' | 'mutating';
  /** The handler id the request's URL names, if any; an unknown id selects no handler. */
  webhook?: string;
  operation?: Operation;
  /** `undefined` for the main resource. */
  subresource?: string;
}

/** Whether the handler's selector takes the resource (sub-handlers have none: they follow their parent). */
export function selectsResource(handler: ResourceHandler, resource: Resource): boolean {
  return handler.selector === undefined || handler.selector.matches(resource);
}

/**
 * Drops repeated registrations of one function under one id, so a function registered for several
 * kinds (`on.create` and `on.resume`) or resources runs once per cause, as in Kopf.
 */
export function deduplicated<H extends Handler>(handlers: Iterable<H>): H[] {
  const seen = new Map<string, Set<unknown>>();
  const result: H[] = [];
  for (const handler of handlers) {
    const fns = seen.get(handler.id) ?? new Set();
    if (fns.has(handler.fn)) continue;
    fns.add(handler.fn);
    seen.set(handler.id, fns);
    result.push(handler);
  }
  return result;
}

function filterSubject(subject: ObjectSubject, change?: { old: unknown; new: unknown }): FilterSubject<unknown> {
  return { body: subject.body, change, context: subject.context };
}

/** Whether the object (ignoring the field-change check) is of interest to the handler. */
export function prematchesObject(handler: ResourceHandler, subject: ObjectSubject, change?: { old: unknown; new: unknown }): boolean {
  return selectsResource(handler, subject.resource) && prematches(handler.filters, filterSubject(subject, change));
}

/** Whether the handler applies to the object (no change: event, index, daemon, timer, webhook handlers). */
export function matchesObject(handler: ResourceHandler, subject: ObjectSubject): boolean {
  return selectsResource(handler, subject.resource) && matches(handler.filters, filterSubject(subject));
}

/**
 * The changing handlers for a cause: those of its reason (or of every reason: field handlers,
 * sub-handlers, and resume handlers mixed into the causes of the initial listing), whose filters pass.
 */
export function changingHandlersFor(
  handlers: readonly ChangingHandler[],
  subject: ChangeSubject,
  excluded: ReadonlySet<string> = new Set(),
): ChangingHandler[] {
  const change = { old: subject.old, new: subject.new };
  return deduplicated(
    handlers.filter((handler) => {
      if (excluded.has(handler.id)) return false;
      if (handler.reason !== undefined && handler.reason !== subject.reason) return false;
      if (handler.initial && !subject.initial) return false;
      if (handler.initial && subject.deleted && !handler.deleted) return false;
      return selectsResource(handler, subject.resource) && matches(handler.filters, filterSubject(subject, change));
    }),
  );
}

/**
 * The webhook handlers for an admission request: of the request's type and webhook id when given;
 * mutating handlers sit out deletions unless they are for deletions only; then the subresource and
 * the filters.
 */
export function webhookHandlersFor(handlers: readonly WebhookHandler[], subject: AdmissionSubject): WebhookHandler[] {
  return deduplicated(
    handlers.filter((handler) => {
      if (subject.type !== undefined && subject.type !== handler.type) return false;
      if (subject.webhook !== undefined && subject.webhook !== handler.id) return false;
      const deletionOnly = handler.operations?.length === 1 && handler.operations[0] === 'DELETE';
      if (handler.type === 'mutating' && subject.operation === 'DELETE' && !deletionOnly) return false;
      if (handler.subresource !== '*' && handler.subresource !== subject.subresource) return false;
      return matchesObject(handler, subject);
    }),
  );
}
