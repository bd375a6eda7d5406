/**
 * Handler filters, matched purely against an object and its change: labels, annotations, a field's
 * value, a field's change (old/new), and a `when` predicate — Kopf's semantics, in Kopf's order, so the
 * cheap checks run first and the user's callbacks only see objects that passed them.
 *
 * The callbacks receive the same context object the handler would (built lazily, once per match),
 * which this module treats as an opaque type parameter `C`.
 */
import { resolveField, type FieldPath } from './field-path.ts';
import { jsonEqual, type JsonValue } from './json.ts';

/** A label/annotation/field filter value meaning "present, with any value" (an empty string counts). */
export const PRESENT: unique symbol = Symbol('kopf.PRESENT');
/** A label/annotation/field filter value meaning "absent". */
export const ABSENT: unique symbol = Symbol('kopf.ABSENT');

/** A callback filter of a label or annotation: gets the value (`undefined` if missing) and the context. */
export type MetaCallback<C> = (value: string | undefined, context: C) => boolean;

/** Per key: the exact value, `PRESENT`, `ABSENT`, or a callback. Every key must match. */
export type MetaFilter<C> = Readonly<Record<string, string | typeof PRESENT | typeof ABSENT | MetaCallback<C>>>;

/** A callback filter of a field's value: gets the value (`undefined` if missing) and the context. */
export type ValueCallback<C> = (value: unknown, context: C) => boolean;

/**
 * A filter of a field's value: `PRESENT`, `ABSENT`, a callback, or a literal compared by deep
 * (JSON) equality. A literal that is itself a function cannot be expressed, as in Kopf.
 */
export type ValueFilter<C> = typeof PRESENT | typeof ABSENT | ValueCallback<C> | string | number | boolean | null | object;

/** A predicate over the whole context, evaluated last. Synchronous, as in Kopf. */
export type WhenFilter<C> = (context: C) => boolean;

/** The filters of one handler, with its field already parsed. */
export interface ObjectFilters<C> {
  labels?: MetaFilter<C>;
  annotations?: MetaFilter<C>;
  /** The field that `value`, `old` and `new` look at; without it they must be absent. */
  field?: FieldPath;
  /** With `field`: what the field's value must be; left out, the field must merely be present. */
  value?: ValueFilter<C>;
  /** With `field`, changing handlers only: what the field's value must have been before the change. */
  old?: ValueFilter<C>;
  /** With `field`, changing handlers only: what the field's value must be after the change. */
  new?: ValueFilter<C>;
  when?: WhenFilter<C>;
  /**
   * With `field`, changing handlers only: the field must differ between old and new (on.update,
   * on.field and their sub-handlers). Other changing handlers only need the field present.
   */
  fieldNeedsChange?: boolean;
}

/** What the filters are matched against. */
export interface FilterSubject<C> {
  /** The object as it is now. */
  body: unknown;
  /**
   * For changing causes (create/update/delete/resume): the essences before and after the change,
   * `undefined` where there is none (the "old" of a creation). Left out for every other cause.
   */
  change?: { old: unknown; new: unknown };
  /** Builds the callbacks' context; called at most once per match, and only if a callback needs it. */
  context: () => C;
}

/**
 * Whether the object passes every filter except the field-change check: used to decide whether the
 * object is of interest at all (stealth mode, finalizers) before knowing which change is handled.
 */
export function prematches<C>(filters: ObjectFilters<C>, subject: FilterSubject<C>): boolean {
  const context = once(subject.context);
  return (
    matchesMetadata(filters.labels, metadataMap(subject.body, 'labels'), context) &&
    matchesMetadata(filters.annotations, metadataMap(subject.body, 'annotations'), context) &&
    matchesFieldValue(filters, subject, context) &&
    matchesWhen(filters.when, context)
  );
}

/** Whether the object and its change pass every filter, in Kopf's order (`when` last). */
export function matches<C>(filters: ObjectFilters<C>, subject: FilterSubject<C>): boolean {
  const context = once(subject.context);
  return (
    matchesMetadata(filters.labels, metadataMap(subject.body, 'labels'), context) &&
    matchesMetadata(filters.annotations, metadataMap(subject.body, 'annotations'), context) &&
    matchesFieldValue(filters, subject, context) &&
    matchesFieldChange(filters, subject, context) &&
    matchesWhen(filters.when, context)
  );
}

/** Inverts a `when` or value callback. */
export function not<A extends unknown[]>(fn: (...args: A) => boolean): (...args: A) => boolean {
  return (...args) => !fn(...args);
}

/** True when every callback is (stopping at the first false one); true for none. */
export function all<A extends unknown[]>(fns: Iterable<(...args: A) => boolean>): (...args: A) => boolean {
  const list = [...fns];
  return (...args) => list.every((fn) => fn(...args));
}

/** True when some callback is (stopping at the first true one); false for none. */
export function any<A extends unknown[]>(fns: Iterable<(...args: A) => boolean>): (...args: A) => boolean {
  const list = [...fns];
  return (...args) => list.some((fn) => fn(...args));
}

/** True when no callback is (stopping at the first true one); true for none. */
export function none<A extends unknown[]>(fns: Iterable<(...args: A) => boolean>): (...args: A) => boolean {
  const list = [...fns];
  return (...args) => !list.some((fn) => fn(...args));
}

function once<C>(build: () => C): () => C {
  let built = false;
  let value: C;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
}

/** The field's value, `undefined` when absent (bodies and essences are JSON, whatever their declared type). */
function valueAt(object: unknown, path: FieldPath): unknown {
  return resolveField(object as JsonValue | undefined, path);
}

function metadataMap(body: unknown, stanza: 'labels' | 'annotations'): Readonly<Record<string, unknown>> {
  const map = valueAt(body, ['metadata', stanza]);
  return map !== null && typeof map === 'object' && !Array.isArray(map) ? (map as Record<string, unknown>) : {};
}

function matchesMetadata<C>(
  filter: MetaFilter<C> | undefined,
  content: Readonly<Record<string, unknown>>,
  context: () => C,
): boolean {
  if (!filter) return true;
  for (const [key, expected] of Object.entries(filter)) {
    const present = Object.hasOwn(content, key);
    if (expected === PRESENT) {
      if (!present) return false;
    } else if (expected === ABSENT) {
      if (present) return false;
    } else if (typeof expected === 'function') {
      const value = present ? content[key] : undefined;
      if (!expected(value as string | undefined, context())) return false;
    } else if (!present || content[key] !== expected) {
      return false;
    }
  }
  return true;
}

/**
 * For changing causes the field is looked up in both the new and the old essence, and either side
 * satisfying the filter is enough (new first, so an old-side callback runs only if needed); for other
 * causes, in the current object only.
 */
function matchesFieldValue<C>(filters: ObjectFilters<C>, subject: FilterSubject<C>, context: () => C): boolean {
  if (!filters.field) return true;
  const field = filters.field;
  const values = subject.change
    ? [valueAt(subject.change.new, field), valueAt(subject.change.old, field)]
    : [valueAt(subject.body, field)];
  const expected = filters.value;
  if (expected === undefined || expected === PRESENT) return values.some((value) => value !== undefined);
  if (expected === ABSENT) return values.some((value) => value === undefined);
  if (typeof expected === 'function') return values.some((value) => (expected as ValueCallback<C>)(value, context()));
  return values.some((value) => jsonEqual(value, expected));
}

function matchesFieldChange<C>(filters: ObjectFilters<C>, subject: FilterSubject<C>, context: () => C): boolean {
  if (!filters.field || !subject.change) return true;
  const old = valueAt(subject.change.old, filters.field);
  const now = valueAt(subject.change.new, filters.field);
  if (filters.fieldNeedsChange && jsonEqual(old, now)) return false;
  return matchesSide(filters.old, old, context) && matchesSide(filters.new, now, context);
}

function matchesSide<C>(expected: ValueFilter<C> | undefined, value: unknown, context: () => C): boolean {
  if (expected === undefined) return true;
  if (expected === PRESENT) return value !== undefined;
  if (expected === ABSENT) return value === undefined;
  if (typeof expected === 'function') return (expected as ValueCallback<C>)(value, context());
  return jsonEqual(value, expected);
}

function matchesWhen<C>(when: WhenFilter<C> | undefined, context: () => C): boolean {
  return when ? when(context()) : true;
}
