import { deepFreeze } from '../openapi/builtin-schemas.ts';
import type { ResourceType } from '../resource-type.ts';
import { builtinEmptyObject, builtinFieldType } from './builtin-field-types.ts';
import { crdFieldType } from './crd-field-types.ts';
import { untypedType, type FieldType } from './field-type.ts';

const types = new WeakMap<ResourceType, FieldType>();

/** The field type of a resource's objects: its CRD schema, the built-in schema, or untyped. */
export function resourceFieldType(type: ResourceType): FieldType {
  let fieldType = types.get(type);
  if (!fieldType) {
    fieldType = type.schema ? crdFieldType(type.schema) : (builtinFieldType(type.group, type.version, type.kind) ?? untypedType);
    types.set(type, fieldType);
  }
  return fieldType;
}

const emptyObjects = new WeakMap<ResourceType, Readonly<Record<string, unknown>>>();

/**
 * The object a create is compared with: empty for custom resources, the Go
 * zero value of the kind for built-ins (whose by-value struct fields exist).
 * Made once per resource and shared (frozen): copy it to change it.
 */
export function emptyObjectOf(type: ResourceType): Readonly<Record<string, unknown>> {
  let empty = emptyObjects.get(type);
  if (!empty) {
    empty = deepFreeze(type.schema || !type.builtin ? {} : builtinEmptyObject(type.group, type.version, type.kind));
    emptyObjects.set(type, empty);
  }
  return empty;
}
