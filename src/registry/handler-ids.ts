/**
 * Handler ids. An id keys the handler's progress stored on objects, its result in `status.<id>`, its
 * index, its webhook path — so it must be the same across restarts. It comes from the `id` option,
 * else from the function's name; field handlers append `/<field>`, sub-handlers are prefixed with
 * their parent's id. A function without a name and without an `id` cannot have a stable id, and is
 * rejected at registration; so is an id another function already has.
 */
import type { Handler } from './handlers.ts';

/** A registration that cannot be accepted: bad arguments, bad options, no id, a duplicate id. */
export class RegistrationError extends TypeError {
  override name = 'RegistrationError';
}

/** What the error messages call the registration, e.g. `kopf.on.create("kopfexamples")`. */
export type RegistrationLabel = string;

/**
 * The function's own name, for its id. Bound functions (`fn.bind(x)`) are named after the function
 * they wrap, as Kopf unwraps partials; arrow functions get the name of the variable they are assigned
 * to, and none when written inline.
 */
export function functionName(fn: (...args: any[]) => unknown): string {
  let name = fn.name;
  while (name.startsWith('bound ')) name = name.slice('bound '.length);
  return name;
}

/** The parts of one handler's id. */
export interface IdParts {
  fn: (...args: any[]) => unknown;
  /** The `id` option, if given (already checked to be a non-empty string). */
  id: string | undefined;
  /** The parent handler's id, for sub-handlers. */
  prefix?: string;
  /** The dotted field, for handlers with `field` (except `on.index` and sub-handlers). */
  suffix?: string;
}

/** The handler's id from its parts; throws a `RegistrationError` naming the registration if there is none. */
export function handlerId(parts: IdParts, label: RegistrationLabel): string {
  const base = parts.id ?? functionName(parts.fn);
  if (base === '') {
    throw new RegistrationError(
      `${label}: the handler has no name to derive its id from; pass { id: '…' } or use a named function ` +
        `(ids key the progress stored on objects, so they must stay the same across restarts)`,
    );
  }
  const suffixed = parts.suffix ? `${base}/${parts.suffix}` : base;
  return parts.prefix ? `${parts.prefix}/${suffixed}` : suffixed;
}

/** How errors name an existing registration. */
export function describeRegistration(handler: Handler): string {
  if (handler.kind === 'subhandler') return `sub-handler '${handler.id}'`;
  return `kopf.on.${handler.kind}(${handler.family === 'activities' ? '' : String(handler.selector)})`;
}

/**
 * Rejects a handler whose id is taken, in its family, by another function: ids key progress records,
 * results, indexes and webhook paths, which two functions cannot share. The same function under the
 * same id (stacked registrations for several kinds or resources) is accepted; it runs once per cause.
 */
export function checkUniqueId(existing: readonly Handler[], handler: Handler): void {
  const clash = existing.find((other) => other.family === handler.family && other.id === handler.id && other.fn !== handler.fn);
  if (clash) {
    throw new RegistrationError(
      `${describeRegistration(handler)}: handler id '${handler.id}' is already used by another function, ` +
        `registered with ${describeRegistration(clash)}; pass a distinct { id: '…' }`,
    );
  }
}
