import {
  additionalPropertiesSchema,
  isNullable,
  itemsSchema,
  propertiesOf,
  propertySchema,
  type SchemaNode,
} from './schema-node.ts';
import { cloneJson, isJsonObject } from './schema-values.ts';

/**
 * Applies a structural schema's defaults (apiserver-spec §9.3) and returns a new
 * value: first nulls that are neither nullable nor defaulted are dropped, then
 * absent fields under existing objects, and nulls on non-nullable fields, get
 * their defaults. Defaults are themselves defaulted further down, as upstream's
 * walk visits every field after filling them in.
 */
export function applySchemaDefaults(obj: unknown, root: SchemaNode): unknown {
  const value = cloneJson(obj);
  dropNullsWithoutDefaults(value, root);
  fillDefaults(value, root);
  return value;
}

/** A `default: null` counts as no default, as upstream reads it. */
function hasDefault(node: SchemaNode | undefined): node is SchemaNode {
  return node !== undefined && node.default !== undefined && node.default !== null;
}

function isNonNullableNull(value: unknown, node: SchemaNode | undefined): boolean {
  return value === null && node !== undefined && !isNullable(node);
}

/** The schema of a map key: its property, or else the additionalProperties schema. */
function keySchema(node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  if (!node) return undefined;
  return propertySchema(node, key) ?? additionalPropertiesSchema(node);
}

function dropNullsWithoutDefaults(value: unknown, node: SchemaNode | undefined): void {
  if (isJsonObject(value)) {
    for (const [key, fieldValue] of Object.entries(value)) {
      const schema = keySchema(node, key);
      if (isNonNullableNull(fieldValue, schema) && !hasDefault(schema)) delete value[key];
      else dropNullsWithoutDefaults(fieldValue, schema);
    }
  } else if (Array.isArray(value)) {
    const items = node ? itemsSchema(node) : undefined;
    for (const item of value) dropNullsWithoutDefaults(item, items);
  }
}

function fillDefaults(value: unknown, node: SchemaNode | undefined): void {
  if (!node) return;
  if (isJsonObject(value)) {
    for (const [key, property] of Object.entries(propertiesOf(node))) {
      if (!hasDefault(property)) continue;
      if (!Object.hasOwn(value, key) || isNonNullableNull(value[key], property)) value[key] = cloneJson(property.default);
    }
    const additional = additionalPropertiesSchema(node);
    for (const key of Object.keys(value)) {
      const property = propertySchema(node, key);
      if (property) {
        fillDefaults(value[key], property);
      } else if (additional) {
        if (isNonNullableNull(value[key], additional) && hasDefault(additional)) value[key] = cloneJson(additional.default);
        fillDefaults(value[key], additional);
      }
    }
  } else if (Array.isArray(value)) {
    const items = itemsSchema(node);
    value.forEach((item, i) => {
      if (isNonNullableNull(item, items) && hasDefault(items)) value[i] = cloneJson(items.default);
      fillDefaults(value[i], items);
    });
  }
}
