import {
  additionalPropertiesSchema,
  asSchemaNode,
  isEmbeddedResource,
  isIntOrString,
  itemsSchema,
  listMapKeys,
  listType,
  preservesUnknownFields,
  propertiesOf,
  type SchemaNode,
} from '../crd/schema-node.ts';
import { objectMetaFieldType } from './builtin-field-types.ts';
import { entriesMap, scalarType, untypedType, type FieldSlot, type FieldType, type ListType, type MapType } from './field-type.ts';

/** The fields every resource (and embedded resource) has whatever its schema says. */
function resourceField(name: string): FieldType | undefined {
  if (name === 'apiVersion' || name === 'kind') return scalarType;
  if (name === 'metadata') return objectMetaFieldType();
  return undefined;
}

function mapType(node: SchemaNode, resource: boolean): MapType {
  const properties = propertiesOf(node);
  const additional = additionalPropertiesSchema(node);
  const entries: FieldType = additional ? nodeType(additional) : untypedType;
  const slots = new Map<string, FieldSlot>();
  return {
    kind: 'map',
    atomic: node['x-kubernetes-map-type'] === 'atomic',
    field(name) {
      let slot = slots.get(name);
      if (!slot) {
        const fixed = resource ? resourceField(name) : undefined;
        const property = Object.hasOwn(properties, name) ? asSchemaNode(properties[name]) : undefined;
        if (fixed) slot = { type: fixed, declared: true };
        else if (property) slot = { type: nodeType(property), declared: true };
        else slot = { type: entries, declared: false };
        slots.set(name, slot);
      }
      return slot;
    },
  };
}

function arrayType(node: SchemaNode): ListType {
  const items = itemsSchema(node);
  const declared = listType(node);
  const keys = declared === 'map' ? listMapKeys(node) : [];
  const keyDefaults: Record<string, unknown> = {};
  const itemProperties = items ? propertiesOf(items) : {};
  for (const key of keys) {
    const fallback = asSchemaNode(itemProperties[key])?.default;
    if (fallback !== undefined) keyDefaults[key] = fallback;
  }
  let item: FieldType | undefined;
  return {
    kind: 'list',
    listType: declared === 'set' || declared === 'map' ? declared : 'atomic',
    keys,
    keyDefaults,
    item: () => (item ??= items ? nodeType(items) : untypedType),
  };
}

function nodeType(node: SchemaNode): FieldType {
  if (isIntOrString(node)) return scalarType;
  if (node.type === 'array') return arrayType(node);
  const embedded = isEmbeddedResource(node);
  if (node.type === 'object' || node.properties !== undefined || embedded) {
    const hasProperties = Object.keys(propertiesOf(node)).length > 0;
    if (!hasProperties && !embedded && preservesUnknownFields(node)) return entriesMap(untypedType, node['x-kubernetes-map-type'] === 'atomic');
    return mapType(node, embedded);
  }
  if (node.type !== undefined) return scalarType;
  return untypedType;
}

/**
 * The field type of a custom resource from its version's structural schema
 * (apiserver-spec §9.3): `x-kubernetes-list-type` map/set/atomic with
 * `x-kubernetes-list-map-keys`, `x-kubernetes-map-type`, free-form parts under
 * `x-kubernetes-preserve-unknown-fields`, and the standard ObjectMeta under
 * `metadata` of the object and of embedded resources.
 */
export function crdFieldType(schema: Record<string, unknown>): FieldType {
  return mapType(schema as SchemaNode, true);
}
