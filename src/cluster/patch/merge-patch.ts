/**
 * `application/merge-patch+json` (RFC 7386, apiserver-spec §5.1): objects
 * merge key by key, `null` removes a key, anything else replaces wholesale.
 */
import { badRequest } from '../errors.ts';
import { copyJson } from '../json-copy.ts';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own member even for the key `__proto__`, which plain assignment would treat specially. */
function setMember(target: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** How Go's JSON decoder names the type of a value it could not put into a map. */
function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/**
 * A copy of a value that is about to be stored, without the `null` members of
 * its objects (also objects inside arrays). Nothing is left to delete where a
 * value is new, so upstream drops them rather than storing nulls.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  const copy: JsonObject = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== null) setMember(copy, key, withoutNulls(member));
  }
  return copy;
}

// Copy on write: the members the patch does not reach are shared with the target, not copied.
function mergeInto(target: JsonObject, patch: JsonObject): JsonObject {
  const result: JsonObject = { ...target };
  for (const [key, patchValue] of Object.entries(patch)) {
    const current = Object.hasOwn(result, key) ? result[key] : undefined;
    if (patchValue === null) delete result[key];
    else if (!isObject(current)) setMember(result, key, withoutNulls(patchValue));
    else if (isObject(patchValue)) setMember(result, key, mergeInto(current, patchValue));
    // An object replaced by a non-object keeps the patch value exactly as sent, as upstream does.
    else setMember(result, key, copyJson(patchValue));
  }
  return result;
}

/**
 * Applies a JSON merge patch to an object and returns the result as a new
 * object; neither argument is changed. The result shares the members the
 * patch did not reach with the target: copy it before changing it below its
 * top level (the write path copies every body it is given).
 * @throws ApiError 400 when the patch is not an object, with upstream's decoder
 * message (`null` gets `Invalid JSON Patch`).
 */
export function applyMergePatch(target: unknown, patch: unknown): JsonObject {
  if (patch === null) throw badRequest('Invalid JSON Patch');
  if (!isObject(patch)) {
    throw badRequest(`error decoding patch: json: cannot unmarshal ${goTypeName(patch)} into Go value of type map[string]interface {}`);
  }
  return mergeInto(isObject(target) ? target : {}, patch);
}
