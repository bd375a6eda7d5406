import { FieldSet } from './field-set.ts';
import { isJsonMap, shapeOf, type FieldType } from './field-type.ts';
import { itemElement } from './list-items.ts';
import type { FieldPath } from './path-element.ts';

function collect(value: unknown, type: FieldType, path: FieldPath, into: FieldSet): void {
  const shape = shapeOf(type, value);
  if (shape.kind === 'scalar' || (shape.kind === 'map' && shape.atomic) || (shape.kind === 'list' && shape.listType === 'atomic')) {
    into.insert(path);
    return;
  }
  if (shape.kind === 'map') {
    for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
      const slot = shape.field(name);
      const childPath = [...path, { field: name }];
      collect(child, slot.type, childPath, into);
      // A struct field is owned through its leaves; an empty map, a null, or a map entry is owned itself.
      if (child === null || (isJsonMap(child) && Object.keys(child).length === 0) || !slot.declared) into.insert(childPath);
    }
    return;
  }
  (value as unknown[]).forEach((item, index) => {
    const itemPath = [...path, itemElement(shape, item, index)];
    collect(item, shape.item(), itemPath, into);
    into.insert(itemPath);
  });
}

/**
 * The fields a value sets, as server-side apply counts them for the manager
 * that applies it: every scalar and atomic value, every list item, empty maps
 * and map entries; a struct field that holds other fields is not itself a
 * member (apiserver-spec §5.4).
 */
export function fieldSetOf(value: unknown, type: FieldType): FieldSet {
  const set = new FieldSet();
  collect(value, type, [], set);
  return set;
}
