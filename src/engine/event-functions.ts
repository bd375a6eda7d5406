/**
 * `kopf.event()`, `kopf.info()`, `kopf.warn()` and `kopf.exception()`: Kubernetes Events about objects,
 * posted by the running operator in the background. Called inside a handler, they find the operator
 * (and, when no objects are named, the object being handled) in the handling scope.
 */
import { isEventObject } from '../client/events.ts';
import type { ObjectHead } from '../client/builtin-kinds.ts';
import type { JsonObject } from '../core/field-path.ts';
import { currentScope, type EventRequest, type HandlingScope } from './handling-scope.ts';
import { isAtLeast } from './log-format.ts';
import { objectHead, objectRef } from './logging.ts';

/** One body, or any nested array of bodies. */
export type EventObjects = ObjectHead | JsonObject | readonly EventObjects[];

/** Options of `kopf.event()`. */
export interface EventArguments {
  /** `Normal`, `Warning` or any other type. */
  type: string;
  reason: string;
  message?: string;
  /** Retry delays (seconds) of the POST: one number or several; default `settings.posting.defaultBackoffs`. */
  backoffs?: number | Iterable<number>;
}

/** Options of `kopf.info()` and `kopf.warn()`. */
export type LevelEventArguments = Omit<EventArguments, 'type'>;

/** Options of `kopf.exception()`. */
export interface ExceptionEventArguments {
  /** Default: the error's name (`TypeError` …). */
  reason?: string;
  /** Put before the error's message. */
  message?: string;
  /** The error to report (JavaScript has no "current exception" to default to). */
  exc: unknown;
  backoffs?: number | Iterable<number>;
}

/** True for an options object given in place of the objects (it has neither `metadata` nor `kind`). */
function isOptions(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !('metadata' in value) && !('kind' in value);
}

/** The arguments as (objects, options), for calls with and without the objects. */
function splitArguments<O>(first: unknown, second: O | undefined): [EventObjects | undefined, O] {
  if (second === undefined && isOptions(first)) return [undefined, first as O];
  return [first as EventObjects | undefined, second as O];
}

function requireScope(fn: string): HandlingScope {
  const scope = currentScope();
  if (!scope) throw new Error(`kopf.${fn}() must be called inside a handler of a running operator (or code it started).`);
  return scope;
}

function flatten(objects: EventObjects, into: Array<ObjectHead | JsonObject> = []): Array<ObjectHead | JsonObject> {
  if (Array.isArray(objects)) {
    for (const item of objects as readonly EventObjects[]) flatten(item, into);
  } else {
    into.push(objects as ObjectHead | JsonObject);
  }
  return into;
}

/** Enqueues the Event about each object (the handled one when none are named); Events are never about Events. */
function postAbout(fn: string, scope: HandlingScope, objects: EventObjects | undefined, request: EventRequest): void {
  let bodies: Array<ObjectHead | JsonObject>;
  if (objects !== undefined) {
    bodies = flatten(objects);
  } else if (scope.object) {
    bodies = [scope.object.body];
  } else {
    throw new Error(`kopf.${fn}() without objects posts about the object being handled, and this handler has none: pass the objects.`);
  }
  for (const body of bodies) {
    if (isEventObject(body as ObjectHead)) continue;
    // A head copied now: the body may change before the Event is posted.
    scope.events.post(objectHead(objectRef(body)), request);
  }
}

/** Posts an Event of any type about the objects, when `posting.enabled`; no level check. */
export function event(objects: EventObjects | undefined, options: EventArguments): void;
export function event(options: EventArguments): void;
export function event(first: EventObjects | EventArguments | undefined, second?: EventArguments): void {
  const [objects, options] = splitArguments(first, second);
  const scope = requireScope('event');
  if (!scope.settings.posting.enabled) return;
  postAbout('event', scope, objects, { type: options.type, reason: options.reason, message: options.message ?? '', backoffs: options.backoffs });
}

/** Posts a `Normal` Event, when `posting.enabled` and `posting.level` is `info` or lower. */
export function info(objects: EventObjects | undefined, options: LevelEventArguments): void;
export function info(options: LevelEventArguments): void;
export function info(first: EventObjects | LevelEventArguments | undefined, second?: LevelEventArguments): void {
  const [objects, options] = splitArguments(first, second);
  const scope = requireScope('info');
  const posting = scope.settings.posting;
  if (!posting.enabled || !isAtLeast('info', posting.level)) return;
  postAbout('info', scope, objects, { type: 'Normal', reason: options.reason, message: options.message ?? '', backoffs: options.backoffs });
}

/**
 * Posts a `Warning` Event, when `posting.level` is `warn` or lower — even when `posting.enabled` is
 * off, as Kopf does.
 */
export function warn(objects: EventObjects | undefined, options: LevelEventArguments): void;
export function warn(options: LevelEventArguments): void;
export function warn(first: EventObjects | LevelEventArguments | undefined, second?: LevelEventArguments): void {
  const [objects, options] = splitArguments(first, second);
  const scope = requireScope('warn');
  if (!isAtLeast('warn', scope.settings.posting.level)) return;
  postAbout('warn', scope, objects, { type: 'Warning', reason: options.reason, message: options.message ?? '', backoffs: options.backoffs });
}

/**
 * Posts an `Error` Event about an error, when `posting.enabled` and `posting.level` is `error` or
 * lower: the reason defaults to the error's name, the message is `"<message> <error's message>"`.
 */
export function exception(objects: EventObjects | undefined, options: ExceptionEventArguments): void;
export function exception(options: ExceptionEventArguments): void;
export function exception(first: EventObjects | ExceptionEventArguments | undefined, second?: ExceptionEventArguments): void {
  const [objects, options] = splitArguments(first, second);
  const scope = requireScope('exception');
  const posting = scope.settings.posting;
  if (!posting.enabled || !isAtLeast('error', posting.level)) return;
  const { name, text } = describeError(options.exc);
  const message = `${options.message ?? ''} ${text}`.trim();
  postAbout('exception', scope, objects, { type: 'Error', reason: options.reason || name, message, backoffs: options.backoffs });
}

/** The name and message of anything thrown; errors from other realms count too, so no `instanceof`. */
function describeError(exc: unknown): { name: string; text: string } {
  if (typeof exc === 'object' && exc !== null) {
    const { name, message } = exc as { name?: unknown; message?: unknown };
    if (typeof message === 'string') return { name: typeof name === 'string' && name ? name : 'Error', text: message };
  }
  return { name: 'Error', text: String(exc) };
}
