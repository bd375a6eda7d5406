/**
 * Diffs of JSON values in Kopf's format: a list of `(operation, field, old,
 * new)` items, where the operation is `add`, `change` or `remove`, the field
 * is the path of keys from the root, and old/new are the values before and
 * after (undefined on the side where the field is absent).
 *
 * Objects are compared key by key, recursively; arrays and scalars are
 * compared whole (a changed array item is one `change` of the array). A null
 * counts as absent, as Kubernetes does not store nulls. Handlers receive
 * such diffs of essences; field handlers receive them re-rooted at their field.
 */
import { jsonEqual, type JsonValue } from './json.ts';
import { isJsonObject, resolveField, type FieldPath } from './field-path.ts';

/** What happened to a field. */
export type DiffOperation = 'add' | 'change' | 'remove';

/** One change: the operation, the field's path, and its values before and after. */
export type DiffItem = readonly [operation: DiffOperation, field: FieldPath, old: JsonValue | undefined, new: JsonValue | undefined];

/** All the changes between two values, in a stable order. */
export type Diff = readonly DiffItem[];

/**
 * Which side's fields are compared. `full` compares both. `left` reports only
 * fields present in the first value (used to check a patch against the
 * patched object, which has many more fields); `right` only those present in
 * the second.
 */
export type DiffScope = 'full' | 'left' | 'right';

function isAbsent(value: JsonValue | undefined): value is null | undefined {
  return value === undefined || value === null;
}

function* diffItems(before: JsonValue | undefined, after: JsonValue | undefined, path: FieldPath, scope: DiffScope): Generator<DiffItem> {
  if (isAbsent(before) && isAbsent(after)) return;
  if (jsonEqual(before, after)) return;
  if (isAbsent(before)) {
    yield ['add', path, undefined, after];
  } else if (isAbsent(after)) {
    yield ['remove', path, before, undefined];
  } else if (isJsonObject(before) && isJsonObject(after)) {
    // Kopf iterates Python sets here, in no defined order; added, removed, then common keys keeps it stable.
    if (scope !== 'left') {
      for (const key of Object.keys(after)) {
        if (!Object.hasOwn(before, key)) yield* diffItems(undefined, after[key], [...path, key], scope);
      }
    }
    if (scope !== 'right') {
      for (const key of Object.keys(before)) {
        if (!Object.hasOwn(after, key)) yield* diffItems(before[key], undefined, [...path, key], scope);
      }
    }
    for (const key of Object.keys(before)) {
      if (Object.hasOwn(after, key)) yield* diffItems(before[key], after[key], [...path, key], scope);
    }
  } else {
    yield ['change', path, before, after];
  }
}

/**
 * The diff from `before` to `after` (either may be undefined: absent).
 * A diff from nothing to an object is one `add` of the whole object at the root.
 */
export function diff(before: JsonValue | undefined, after: JsonValue | undefined, options: { scope?: DiffScope } = {}): Diff {
  return [...diffItems(before, after, [], options.scope ?? 'full')];
}

function startsWith(path: FieldPath, prefix: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((key, index) => path[index] === key);
}

/**
 * The part of a diff that concerns the field at `path`, re-rooted there: an
 * item deeper than the field keeps its tail of the path; an item above it
 * (the whole `spec` added when the field is `spec.replicas`) becomes the diff
 * of the field's own values inside that item's old and new values.
 */
export function reduceDiff(changes: Diff, path: FieldPath): Diff {
  if (path.length === 0) return changes;
  const reduced: DiffItem[] = [];
  for (const [operation, field, old, updated] of changes) {
    if (startsWith(field, path)) {
      reduced.push([operation, field.slice(path.length), old, updated]);
    } else if (startsWith(path, field)) {
      const tail = path.slice(field.length);
      reduced.push(...diffItems(resolveField(old, tail), resolveField(updated, tail), [], 'full'));
    }
  }
  return reduced;
}
