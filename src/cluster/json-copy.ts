/**
 * A deep copy of a JSON-like value: what `structuredClone` gives, several
 * times faster for the plain objects and arrays every request body and
 * stored object is made of (structuredClone serializes and deserializes;
 * this walks). Anything else inside (a Date, a Map, a class instance) is
 * handed to `structuredClone`, so the result is the same as its result.
 * A `__proto__` key stays an own key, as `structuredClone` keeps it.
 */
export function copyJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = copyJson(value[i]);
    return copy as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (key === '__proto__') Object.defineProperty(copy, key, { value: copyJson(source[key]), enumerable: true, writable: true, configurable: true });
    else copy[key] = copyJson(source[key]);
  }
  return copy as T;
}
