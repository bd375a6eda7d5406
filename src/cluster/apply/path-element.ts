/**
 * One step of a field path in server-side apply's field sets: a map field, a
 * keyed item of an associative list, an item of a set, or a list index. A
 * managedFields `fieldsV1` document writes them as `f:name`, `k:{...}`,
 * `v:value` and `i:index`.
 */
export type PathElement =
  | { readonly field: string }
  | { readonly key: Readonly<Record<string, unknown>> }
  | { readonly value: unknown }
  | { readonly index: number };

/** A path from the object's root; the empty path is the root itself. */
export type FieldPath = readonly PathElement[];

/** The item's key fields with their names in sorted order, as upstream writes them. */
function sortedKey(key: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const sorted: Record<string, unknown> = {};
  for (const name of Object.keys(key).sort()) sorted[name] = key[name];
  return sorted;
}

/** A map field's element and its `fieldsV1` spelling. */
export interface FieldStep {
  readonly element: PathElement;
  readonly text: string;
}

const fieldSteps = new Map<string, FieldStep>();
const fieldStepsKept = 4096;

/**
 * The step into a map field, the same one each time for a name while it is remembered. Field sets look
 * their levels up by these texts, and a text made anew is hashed anew by every lookup, a good part of
 * a small write's bookkeeping; a name comes from an object's keys and keeps its hash. Bounded: names
 * are whatever objects hold.
 */
export function fieldStep(name: string): FieldStep {
  let step = fieldSteps.get(name);
  if (step === undefined) {
    if (fieldSteps.size >= fieldStepsKept) fieldSteps.clear();
    step = Object.freeze({ element: Object.freeze({ field: name }), text: `f:${name}` });
    fieldSteps.set(name, step);
  }
  return step;
}

/** The `fieldsV1` spelling of an element: `f:spec`, `k:{"name":"app"}`, `v:"x"`, `i:0`. */
export function encodeElement(element: PathElement): string {
  if ('field' in element) return fieldStep(element.field).text;
  if ('key' in element) return `k:${JSON.stringify(sortedKey(element.key))}`;
  if ('value' in element) return `v:${JSON.stringify(element.value)}`;
  return `i:${element.index}`;
}

/** Parses a `fieldsV1` key back into an element; throws on anything else. */
export function decodeElement(text: string): PathElement {
  const body = text.slice(2);
  switch (text.slice(0, 2)) {
    case 'f:':
      return { field: body };
    case 'k:': {
      const key = JSON.parse(body) as unknown;
      if (!key || typeof key !== 'object' || Array.isArray(key)) throw new Error(`not a key: ${text}`);
      return { key: key as Record<string, unknown> };
    }
    case 'v:':
      return { value: JSON.parse(body) as unknown };
    case 'i:': {
      if (!/^\d+$/.test(body)) throw new Error(`not an index: ${text}`);
      return { index: Number(body) };
    }
  }
  throw new Error(`unknown path element: ${text}`);
}

/** How conflict messages show a value: strings quoted, everything else as JSON. */
function showValue(value: unknown): string {
  return JSON.stringify(value);
}

/** The element as conflict messages print it: `.spec`, `[name="app"]`, `[="x"]`, `[0]`. */
export function displayElement(element: PathElement): string {
  if ('field' in element) return `.${element.field}`;
  if ('key' in element) {
    const key = sortedKey(element.key);
    return `[${Object.keys(key).map((name) => `${name}=${showValue(key[name])}`).join(',')}]`;
  }
  if ('value' in element) return `[=${showValue(element.value)}]`;
  return `[${element.index}]`;
}

/** A path as conflict messages print it, e.g. `.spec.containers[name="app"].image`. */
export function displayPath(path: FieldPath): string {
  return path.map(displayElement).join('');
}

function rank(element: PathElement): number {
  if ('field' in element) return 0;
  if ('key' in element) return 1;
  if ('value' in element) return 2;
  return 3;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders scalar values as upstream does for same-typed values; mixed types fall back to their JSON text. */
function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  return compareStrings(JSON.stringify(a), JSON.stringify(b));
}

function compareKeys(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): number {
  const aNames = Object.keys(a).sort();
  const bNames = Object.keys(b).sort();
  for (let i = 0; i < Math.min(aNames.length, bNames.length); i++) {
    const byName = compareStrings(aNames[i], bNames[i]);
    if (byName !== 0) return byName;
    const byValue = compareValues(a[aNames[i]], b[bNames[i]]);
    if (byValue !== 0) return byValue;
  }
  return aNames.length - bNames.length;
}

/**
 * The order of elements within one level of a field set: fields by name, then
 * keyed items, then set values, then indexes. Conflict lists and `fieldsV1`
 * documents follow it.
 */
export function compareElements(a: PathElement, b: PathElement): number {
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  if ('field' in a && 'field' in b) return compareStrings(a.field, b.field);
  if ('key' in a && 'key' in b) return compareKeys(a.key, b.key);
  if ('value' in a && 'value' in b) return compareValues(a.value, b.value);
  return (a as { index: number }).index - (b as { index: number }).index;
}
