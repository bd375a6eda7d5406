/**
 * JSON value helpers shared by the layers: structural equality, a canonical
 * serialization whose text is the same for equal values whatever the order
 * of their keys, and the check that turns a value from user code (a
 * handler's result) into JSON before it is written to an object.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Deep equality of JSON values; key order does not matter, array order does. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const aKeys = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bKeys = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return aKeys.length === bKeys.length && aKeys.every((k) => jsonEqual(ao[k], bo[k]));
}

/** JSON text with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = v[k];
      return sorted;
    }
    return v;
  });
}

/**
 * A deep copy of `value` as JSON, converted as `JSON.stringify` converts it:
 * objects with `toJSON` (Dates among them) are replaced by what it returns,
 * boxed primitives are unboxed, undefined members of objects are dropped and
 * undefined items of arrays become null. Undefined itself stays undefined.
 *
 * Where `JSON.stringify` would lose data silently or fail with a message
 * that names no field, this throws a `TypeError` that names the field, its
 * path relative to `value` (`count`, `items[2].name`): bigints, functions,
 * symbols, NaN and infinities, Maps and Sets, and cycles.
 *
 * @param where what the value is, to start the error message with
 *   (`the result of handler 'createFn'` → `the result of handler 'createFn'
 *   is not JSON: count is a bigint`).
 */
export function toJsonValue(value: unknown, where: string): JsonValue | undefined {
  const conversion = new JsonConversion(where);
  const replaced = conversion.replace(value, '', '');
  return replaced === undefined ? undefined : conversion.convert(replaced, '', []);
}

// A container on the way down from the top, to detect cycles.
interface Ancestor {
  readonly value: object;
  readonly path: string;
}

// One conversion: the message prefix and the walk. `convert` takes values `replace` has already passed.
class JsonConversion {
  constructor(private readonly where: string) {}

  convert(value: unknown, path: string, ancestors: readonly Ancestor[]): JsonValue {
    const primitive = typeof value === 'object' && value !== null ? unboxed(value) : value;
    switch (typeof primitive) {
      case 'string':
      case 'boolean':
        return primitive;
      case 'number':
        return Number.isFinite(primitive) ? primitive : this.fail(path, `is ${primitive}`);
      case 'bigint':
      case 'function':
      case 'symbol':
        return this.fail(path, `is a ${typeof primitive}`);
    }
    if (primitive === null) return null;
    const container = value as object;
    if (container instanceof Map) this.fail(path, 'is a Map');
    if (container instanceof Set) this.fail(path, 'is a Set');
    const loop = ancestors.find((ancestor) => ancestor.value === container);
    if (loop) this.fail(path, `refers back to ${loop.path === '' ? 'the value itself' : loop.path}`);

    const inside = [...ancestors, { value: container, path }];
    if (Array.isArray(container)) {
      // Array.from visits the holes of sparse arrays too; JSON writes them as null, like undefined items.
      return Array.from(container, (item: unknown, index) => {
        const itemPath = `${path}[${index}]`;
        const replaced = this.replace(item, itemPath, String(index));
        return replaced === undefined ? null : this.convert(replaced, itemPath, inside);
      });
    }
    const entries: [string, JsonValue][] = [];
    for (const [key, member] of Object.entries(container)) {
      const memberPath = path === '' ? key : `${path}.${key}`;
      const replaced = this.replace(member, memberPath, key);
      if (replaced !== undefined) entries.push([key, this.convert(replaced, memberPath, inside)]);
    }
    // fromEntries defines own properties, so a `__proto__` key stays a key.
    return Object.fromEntries(entries);
  }

  /** What JSON.stringify serializes in place of `value` (under `key`): the result of its toJSON, if it has one. */
  replace(value: unknown, path: string, key: string): unknown {
    if (typeof value !== 'object' || value === null) return value;
    const toJson: unknown = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJson !== 'function') return value;
    try {
      return toJson.call(value, key);
    } catch (error) {
      return this.fail(path, `failed in its toJSON(): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private fail(path: string, problem: string): never {
    throw new TypeError(`${this.where} is not JSON: ${path === '' ? 'it' : path} ${problem}`);
  }
}

// The primitive inside a Number, String or Boolean object, which JSON writes as the primitive; other objects as they are.
function unboxed(value: object): unknown {
  if (value instanceof Number || value instanceof String || value instanceof Boolean) return value.valueOf();
  return value;
}
