import { jsonEqual } from '../../core/json.ts';
import { FieldSet } from './field-set.ts';
import { isJsonMap, shapeOf, type FieldType, type ListType, type MapType } from './field-type.ts';
import { itemsByElement } from './list-items.ts';
import { fieldStep, type FieldPath, type PathElement } from './path-element.ts';

/** What a write did to each field: set where there was nothing, changed, or took away. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What a comparison does not report: top-level fields it leaves alone, and paths it walks below but never records. */
export interface Unreported {
  fields: readonly string[];
  members: FieldSet;
}

/** One comparison under way. `path` and `texts` (its elements as `fieldsV1` spells them) are pushed and popped along. */
interface Walk {
  result: Comparison;
  path: PathElement[];
  texts: string[];
  unreportedFields: readonly string[];
}

/** Records the current path in `set`, unless it is an unreported one. */
function record(set: FieldSet, walk: Walk, unreported: boolean): void {
  if (!unreported) set.insertEncoded(walk.path, walk.texts);
}

function compareLeaf(before: unknown, after: unknown, walk: Walk, unreported: boolean): void {
  if (before === undefined) record(walk.result.added, walk, unreported);
  else if (after === undefined) record(walk.result.removed, walk, unreported);
  else if (!jsonEqual(before, after)) record(walk.result.modified, walk, unreported);
}

/** Records the container itself when it appears or disappears; its contents are compared item by item. */
function compareContainer(before: unknown, after: unknown, walk: Walk, unreported: boolean): void {
  if (before === undefined) record(walk.result.added, walk, unreported);
  else if (after === undefined) record(walk.result.removed, walk, unreported);
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

// `skip` is the level of the unreported members at the current path, `unreported` whether the path itself is one.
function walkPair(before: unknown, after: unknown, type: FieldType, walk: Walk, skip: FieldSet | undefined, unreported: boolean): void {
  // An identical value (or nothing on both sides) has nothing added, changed or removed below it.
  if (before === after) return;
  const shape = shapeOf(type, present(after) ?? present(before) ?? null);
  const granular = (shape.kind === 'map' && !shape.atomic) || (shape.kind === 'list' && shape.listType !== 'atomic');
  // The shape is `after`'s whenever `after` is present, so only `before` can have another.
  if (!granular || reshapedFrom(before, type, shape.kind)) {
    compareLeaf(before, after, walk, unreported);
    return;
  }
  compareContainer(before, after, walk, unreported);
  if (shape.kind === 'map') {
    const beforeMap = isJsonMap(before) ? before : noEntries;
    const afterMap = isJsonMap(after) ? after : noEntries;
    for (const name of Object.keys(beforeMap)) walkField(beforeMap[name], afterMap[name], shape, name, walk, skip);
    for (const name of Object.keys(afterMap)) {
      if (!Object.hasOwn(beforeMap, name)) walkField(undefined, afterMap[name], shape, name, walk, skip);
    }
    return;
  }
  const list = shape as ListType;
  const beforeItems = itemsByElement(list, Array.isArray(before) ? before : []);
  const afterItems = itemsByElement(list, Array.isArray(after) ? after : []);
  for (const text of new Set([...beforeItems.keys(), ...afterItems.keys()])) {
    const element = (beforeItems.get(text) ?? afterItems.get(text))!.element;
    walk.path.push(element);
    walk.texts.push(text);
    walkPair(beforeItems.get(text)?.item, afterItems.get(text)?.item, list.item(), walk, skip?.childByText(text), skip?.hasMemberText(text) === true);
    walk.path.pop();
    walk.texts.pop();
  }
}

function walkField(before: unknown, after: unknown, map: MapType, name: string, walk: Walk, skip: FieldSet | undefined): void {
  if (before === after) return;
  if (walk.path.length === 0 && walk.unreportedFields.includes(name)) return;
  const { element, text } = fieldStep(name);
  walk.path.push(element);
  walk.texts.push(text);
  walkPair(before, after, map.field(name).type, walk, skip?.childByText(text), skip?.hasMemberText(text) === true);
  walk.path.pop();
  walk.texts.pop();
}

/**
 * Field by field, what changed from `before` to `after` (either may be
 * absent, as on create). Maps and granular lists count as added or removed
 * themselves when they appear or disappear, so the manager that created them
 * owns them too. What `unreported` names is left out of the result (the
 * fields an endpoint resets, those the server owns), as if taken out after.
 */
export function compareObjects(before: unknown, after: unknown, type: FieldType, unreported?: Unreported): Comparison {
  const result: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkPair(before, after, type, { result, path: [], texts: [], unreportedFields: unreported?.fields ?? [] }, unreported?.members, false);
  return result;
}
