/**
 * A JSON merge patch (RFC 7386) re-expressed as a JSON patch (RFC 6902) against a known object — what an
 * admission webhook must answer with, while handlers fill in their `patch` as a merge patch. Objects are
 * walked key by key where the target has an object too; a null removes the field (only if it exists, since
 * removing an absent field fails the whole patch); anything else is added, which replaces an existing field.
 */
import { isJsonObject, type JsonObject } from './field-path.ts';
import type { JsonPatchOperation } from './finalizers.ts';
import type { JsonValue } from './json.ts';

/** Escapes one key for a JSON pointer (RFC 6901). */
function pointerKey(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The value a merge patch leaves at a field that was absent: nested nulls delete nothing, so they go. */
function withoutNulls(value: JsonValue): JsonValue {
  if (!isJsonObject(value)) return structuredClone(value);
  const result: JsonObject = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== null) result[key] = withoutNulls(member);
  }
  return result;
}

function* operations(merge: JsonObject, target: JsonObject, pointer: string): Generator<JsonPatchOperation> {
  for (const [key, value] of Object.entries(merge)) {
    const path = `${pointer}/${pointerKey(key)}`;
    const existing = Object.hasOwn(target, key) ? target[key] : undefined;
    if (value === null) {
      if (existing !== undefined) yield { op: 'remove', path };
    } else if (isJsonObject(value) && isJsonObject(existing)) {
      yield* operations(value, existing, path);
    } else {
      yield { op: 'add', path, value: withoutNulls(value) };
    }
  }
}

/** The JSON patch that makes the same changes to `target` as the merge patch `merge` would. */
export function mergeAsJsonPatch(merge: JsonObject, target: JsonObject): JsonPatchOperation[] {
  return [...operations(merge, target, '')];
}
