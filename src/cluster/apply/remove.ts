import { FieldSet } from './field-set.ts';
import { shapeOf, type FieldType } from './field-type.ts';
import { itemElement } from './list-items.ts';
import type { FieldPath } from './path-element.ts';

/**
 * The value without the fields of a set: a member goes with everything below
 * it; a path that only has members further down is descended into.
 */
export function removeFields(value: unknown, fields: FieldSet, type: FieldType): unknown {
  if (fields.empty) return value;
  const shape = shapeOf(type, value);
  if (shape.kind === 'map' && !shape.atomic) {
    const result: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
      const element = { field: name };
      if (fields.hasMember(element)) continue;
      const below = fields.child(element);
      result[name] = below ? removeFields(child, below, shape.field(name).type) : child;
    }
    return result;
  }
  if (shape.kind === 'list' && shape.listType !== 'atomic') {
    const result: unknown[] = [];
    (value as unknown[]).forEach((item, index) => {
      const element = itemElement(shape, item, index);
      if (fields.hasMember(element)) return;
      const below = fields.child(element);
      result.push(below ? removeFields(item, below, shape.item()) : item);
    });
    return result;
  }
  return value;
}

function addNamedFields(set: FieldSet, type: FieldType, prefix: FieldPath, into: FieldSet): void {
  for (const element of set.memberElements()) into.insert([...prefix, element]);
  for (const { element, set: below } of set.childEntries()) {
    const path = [...prefix, element];
    let childType: FieldType = type;
    if ('field' in element && type.kind === 'map') {
      const slot = type.field(element.field);
      if (slot.declared) into.insert(path);
      childType = slot.type;
    } else if (type.kind === 'list') childType = type.item();
    addNamedFields(below, childType, path, into);
  }
}

/**
 * The set plus, as members, the declared struct fields it goes through.
 * Pruning compares sets in this form: a struct field that no manager reaches
 * any more goes with its contents, while a map entry or list item goes only
 * when it is itself a member.
 */
export function withNamedFields(fields: FieldSet, type: FieldType): FieldSet {
  const result = new FieldSet();
  addNamedFields(fields, type, [], result);
  return result;
}
