import { jsonEqual } from '../../core/json.ts';
import { FieldSet } from './field-set.ts';
import { isJsonMap, shapeOf, type FieldType, type ListType } from './field-type.ts';
import { itemsByElement } from './list-items.ts';
import type { FieldPath } from './path-element.ts';

/** What a write did to each field: set where there was nothing, changed, or took away. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

function compareLeaf(before: unknown, after: unknown, path: FieldPath, result: Comparison): void {
  if (before === undefined) result.added.insert(path);
  else if (after === undefined) result.removed.insert(path);
  else if (!jsonEqual(before, after)) result.modified.insert(path);
}

/** Inserts the container itself when it appears or disappears; its contents are compared item by item. */
function compareContainer(before: unknown, after: unknown, path: FieldPath, result: Comparison): void {
  if (before === undefined) result.added.insert(path);
  else if (after === undefined) result.removed.insert(path);
}

/** Null stands for an empty map or list where one is declared (a Go nil slice or map serializes so). */
function present(value: unknown): unknown {
  return value === null ? undefined : value;
}

function walk(before: unknown, after: unknown, type: FieldType, path: FieldPath, result: Comparison): void {
  if (before === undefined && after === undefined) return;
  const shape = shapeOf(type, present(after) ?? present(before) ?? null);
  const granular = (shape.kind === 'map' && !shape.atomic) || (shape.kind === 'list' && shape.listType !== 'atomic');
  // A value whose shape changed (a map that became a string) is compared as one value.
  const reshaped = [before, after].some((value) => present(value) !== undefined && shapeOf(type, value).kind !== shape.kind);
  if (!granular || reshaped) {
    compareLeaf(before, after, path, result);
    return;
  }
  compareContainer(before, after, path, result);
  if (shape.kind === 'map') {
    const beforeMap = isJsonMap(before) ? before : {};
    const afterMap = isJsonMap(after) ? after : {};
    for (const name of new Set([...Object.keys(beforeMap), ...Object.keys(afterMap)])) {
      walk(beforeMap[name], afterMap[name], shape.field(name).type, [...path, { field: name }], result);
    }
    return;
  }
  const list = shape as ListType;
  const beforeItems = itemsByElement(list, Array.isArray(before) ? before : []);
  const afterItems = itemsByElement(list, Array.isArray(after) ? after : []);
  for (const text of new Set([...beforeItems.keys(), ...afterItems.keys()])) {
    const element = (beforeItems.get(text) ?? afterItems.get(text))!.element;
    walk(beforeItems.get(text)?.item, afterItems.get(text)?.item, list.item(), [...path, element], result);
  }
}

/**
 * Field by field, what changed from `before` to `after` (either may be
 * absent, as on create). Maps and granular lists count as added or removed
 * themselves when they appear or disappear, so the manager that created them
 * owns them too.
 */
export function compareObjects(before: unknown, after: unknown, type: FieldType): Comparison {
  const result: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walk(before, after, type, [], result);
  return result;
}
