import { jsonEqual } from '../../core/json.ts';
import { FieldSet } from './field-set.ts';
import { isJsonMap, shapeOf, type FieldType, type ListType, type MapType } from './field-type.ts';
import { itemsByElement } from './list-items.ts';
import type { FieldPath, PathElement } from './path-element.ts';

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

const noEntries: Readonly<Record<string, unknown>> = Object.freeze({});

/** Whether a present value has another shape than the one the pair is walked with (a map that became a string). */
function reshapedFrom(value: unknown, type: FieldType, kind: string): boolean {
  return present(value) !== undefined && shapeOf(type, value).kind !== kind;
}

// `path` is one array pushed and popped along the walk; result sets copy what they keep of it.
function walk(before: unknown, after: unknown, type: FieldType, path: PathElement[], result: Comparison): void {
  // An identical value (or nothing on both sides) has nothing added, changed or removed below it.
  if (before === after) return;
  const shape = shapeOf(type, present(after) ?? present(before) ?? null);
  const granular = (shape.kind === 'map' && !shape.atomic) || (shape.kind === 'list' && shape.listType !== 'atomic');
  if (!granular || reshapedFrom(before, type, shape.kind) || reshapedFrom(after, type, shape.kind)) {
    compareLeaf(before, after, path, result);
    return;
  }
  compareContainer(before, after, path, result);
  if (shape.kind === 'map') {
    const beforeMap = isJsonMap(before) ? before : noEntries;
    const afterMap = isJsonMap(after) ? after : noEntries;
    for (const name of Object.keys(beforeMap)) walkField(beforeMap[name], afterMap[name], shape, name, path, result);
    for (const name of Object.keys(afterMap)) {
      if (!Object.hasOwn(beforeMap, name)) walkField(undefined, afterMap[name], shape, name, path, result);
    }
    return;
  }
  const list = shape as ListType;
  const beforeItems = itemsByElement(list, Array.isArray(before) ? before : []);
  const afterItems = itemsByElement(list, Array.isArray(after) ? after : []);
  for (const text of new Set([...beforeItems.keys(), ...afterItems.keys()])) {
    const element = (beforeItems.get(text) ?? afterItems.get(text))!.element;
    path.push(element);
    walk(beforeItems.get(text)?.item, afterItems.get(text)?.item, list.item(), path, result);
    path.pop();
  }
}

function walkField(before: unknown, after: unknown, map: MapType, name: string, path: PathElement[], result: Comparison): void {
  if (before === after) return;
  path.push({ field: name });
  walk(before, after, map.field(name).type, path, result);
  path.pop();
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
