import { isJsonObject } from './schema-values.ts';

/**
 * One node of a CRD version's `openAPIV3Schema` in its JSON form
 * (apiextensions.k8s.io/v1 JSONSchemaProps). Nodes come from request bodies, so
 * every accessor below checks shapes instead of trusting them.
 */
export interface SchemaNode {
  type?: string;
  format?: string;
  nullable?: boolean;
  default?: unknown;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode | SchemaNode[];
  additionalProperties?: SchemaNode | boolean;
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  not?: SchemaNode;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: unknown[];
  [keyword: string]: unknown;
}

/** The value as a schema node when it is a JSON object. */
export function asSchemaNode(value: unknown): SchemaNode | undefined {
  return isJsonObject(value) ? (value as SchemaNode) : undefined;
}

/** The declared properties, when `properties` is an object. */
export function propertiesOf(node: SchemaNode): Record<string, SchemaNode> {
  return isJsonObject(node.properties) ? (node.properties as Record<string, SchemaNode>) : {};
}

/** The schema of one declared property. */
export function propertySchema(node: SchemaNode, key: string): SchemaNode | undefined {
  const properties = propertiesOf(node);
  return Object.hasOwn(properties, key) ? asSchemaNode(properties[key]) : undefined;
}

/** The items schema in its single-schema form (the array form is not structural). */
export function itemsSchema(node: SchemaNode): SchemaNode | undefined {
  return asSchemaNode(node.items);
}

/** The additionalProperties schema, when it is a schema rather than a boolean. */
export function additionalPropertiesSchema(node: SchemaNode): SchemaNode | undefined {
  return asSchemaNode(node.additionalProperties);
}

/** Whether `additionalProperties` is set at all (schema, true or false). */
export function hasAdditionalProperties(node: SchemaNode): boolean {
  return node.additionalProperties !== undefined && node.additionalProperties !== null;
}

/**
 * Where a map key of a value under this node is declared: as a property, by
 * additionalProperties (`schema` is undefined for the boolean forms), or not at all.
 */
export function fieldSchema(node: SchemaNode, key: string): { declared: boolean; schema?: SchemaNode; viaAdditional: boolean } {
  const property = propertySchema(node, key);
  if (property) return { declared: true, schema: property, viaAdditional: false };
  if (hasAdditionalProperties(node)) return { declared: true, schema: additionalPropertiesSchema(node), viaAdditional: true };
  return { declared: false, viaAdditional: false };
}

export function preservesUnknownFields(node: SchemaNode | undefined): boolean {
  return node?.['x-kubernetes-preserve-unknown-fields'] === true;
}

export function isEmbeddedResource(node: SchemaNode | undefined): boolean {
  return node?.['x-kubernetes-embedded-resource'] === true;
}

export function isIntOrString(node: SchemaNode | undefined): boolean {
  return node?.['x-kubernetes-int-or-string'] === true;
}

export function isNullable(node: SchemaNode | undefined): boolean {
  return node?.nullable === true;
}

/** The list type: `atomic` unless the node says `set` or `map`. */
export function listType(node: SchemaNode | undefined): string {
  const value = node?.['x-kubernetes-list-type'];
  return typeof value === 'string' ? value : 'atomic';
}

/** The key fields of a `map` list. */
export function listMapKeys(node: SchemaNode | undefined): string[] {
  const keys = node?.['x-kubernetes-list-map-keys'];
  return Array.isArray(keys) ? keys.filter((key): key is string => typeof key === 'string') : [];
}

/** The subschemas of a junctor (`allOf`, `anyOf`, `oneOf`), skipping anything that is not a schema. */
export function junctorSchemas(node: SchemaNode, junctor: 'allOf' | 'anyOf' | 'oneOf'): SchemaNode[] {
  const list = node[junctor];
  return Array.isArray(list) ? list.map(asSchemaNode).filter((item): item is SchemaNode => item !== undefined) : [];
}

/** The fields every resource root (and every embedded resource) keeps regardless of its schema. */
export const typeAndObjectMetaFields: ReadonlySet<string> = new Set(['apiVersion', 'kind', 'metadata']);
