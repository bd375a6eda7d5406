/**
 * The JSON text of a stored object, the last one remembered. A write's watch
 * events and its response serialize the same stored object one right after
 * the other; with this they serialize it once. Only for objects that are
 * never changed (stored objects): identity is the key.
 */
let last: { object: object; text: string } | undefined;

export function storedObjectJson(object: object): string {
  if (last?.object !== object) last = { object, text: JSON.stringify(object) };
  return last.text;
}
