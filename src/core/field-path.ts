/**
 * Field paths into JSON objects (`spec.items`, `['metadata', 'labels']`) and
 * the few operations on them that change handling needs: read a field that
 * may be missing, set one creating its parents, and delete one together with
 * the parents its deletion leaves empty. Kubernetes objects can be edited by
 * hand into odd shapes, so walking through a non-object reads as "absent"
 * instead of failing.
 */
import type { JsonValue } from './json.ts';

/** A JSON object: the body of a Kubernetes object, an essence, a patch. */
export type JsonObject = { [key: string]: JsonValue };

/** The keys leading from an object's root to one of its fields; empty for the root. */
export type FieldPath = readonly string[];

/** A field as users write it: dotted (`'spec.items'`), as keys, or absent (the root). */
export type FieldSpec = string | readonly string[] | undefined;

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The keys of a field given as a dotted string, as keys, or absent (the root). */
export function parseField(field: FieldSpec): FieldPath {
  if (field === undefined) return [];
  return typeof field === 'string' ? field.split('.') : [...field];
}

/**
 * The value at `path`, or undefined when it is absent or a parent on the way
 * is not an object.
 */
export function resolveField(value: JsonValue | undefined, path: FieldPath): JsonValue | undefined {
  let current = value;
  for (const key of path) {
    if (!isJsonObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** True when the field at `path` exists (even with a null value). */
export function hasField(value: JsonValue | undefined, path: FieldPath): boolean {
  if (path.length === 0) return value !== undefined;
  const parent = resolveField(value, path.slice(0, -1));
  return isJsonObject(parent) && Object.hasOwn(parent, path[path.length - 1]);
}

/**
 * Sets the field at `path`, creating missing parents as empty objects. A
 * parent that exists but is not an object cannot hold the field: that is an
 * error naming the path.
 */
export function ensureField(target: JsonObject, path: FieldPath, value: JsonValue): void {
  if (path.length === 0) throw new TypeError('cannot set the root of an object; name a field');
  let current = target;
  for (const [index, key] of path.slice(0, -1).entries()) {
    if (!Object.hasOwn(current, key)) current[key] = {};
    const next = current[key];
    if (!isJsonObject(next)) throw new TypeError(`cannot set ${path.join('.')}: ${path.slice(0, index + 1).join('.')} is not an object`);
    current = next;
  }
  current[path[path.length - 1]] = value;
}

/**
 * Deletes the field at `path`, then every parent on the path that the
 * deletion left empty. A field that is already absent is not an error.
 */
export function removeField(target: JsonObject, path: FieldPath): void {
  if (path.length === 0) throw new TypeError('cannot remove the root of an object; name a field');
  const [key, ...rest] = path;
  if (!Object.hasOwn(target, key)) return;
  if (rest.length === 0) {
    delete target[key];
    return;
  }
  const child = target[key];
  if (!isJsonObject(child)) return;
  removeField(child, rest);
  if (Object.keys(child).length === 0) delete target[key];
}

/** Copies each of `paths` that exists in `source` into `target` (deep copies, parents created). */
export function cherrypickFields(source: JsonObject, target: JsonObject, paths: Iterable<FieldPath>): void {
  for (const path of paths) {
    if (hasField(source, path)) ensureField(target, path, structuredClone(resolveField(source, path) as JsonValue));
  }
}
