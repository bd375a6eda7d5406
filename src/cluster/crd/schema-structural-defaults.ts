import { fieldError, type FieldError } from '../errors.ts';
import { embeddedResourceErrors } from './schema-embedded.ts';
import { asSchemaNode, isEmbeddedResource, itemsSchema, propertiesOf, typeAndObjectMetaFields, type SchemaNode } from './schema-node.ts';
import { pruneUnknownFields } from './schema-prune.ts';
import { schemaErrors } from './schema-validate.ts';
import { jsonEqual } from './schema-values.ts';

/**
 * CRD creation refuses defaults that would not survive their own schema: a
 * default must already be pruned, and must validate (embedded resources
 * included) against the node it sits on. Defaults inside the metadata of a
 * resource are left to the OpenAPI rules, which forbid them at the root.
 */
export function schemaDefaultErrors(root: SchemaNode, path: string): FieldError[] {
  const errors: FieldError[] = [];
  walk(root, path, true, false, errors);
  return errors;
}

function defaultErrors(node: SchemaNode, path: string): FieldError[] {
  const value = node.default;
  const defaultPath = `${path}.default`;
  const errors: FieldError[] = [];
  if (!jsonEqual(pruneUnknownFields(value, node, isEmbeddedResource(node)).value, value)) {
    errors.push(fieldError.invalid(defaultPath, value, 'must not have unknown fields'));
  }
  const embedded = embeddedResourceErrors(value, node, defaultPath);
  errors.push(...(embedded.length > 0 ? embedded : schemaErrors(node, value, defaultPath).map((entry) => entry.error)));
  return errors;
}

/** Follows items and properties only: upstream does not check defaults below additionalProperties. */
function walk(node: SchemaNode, path: string, resourceRoot: boolean, insideMeta: boolean, errors: FieldError[]): void {
  const embedded = resourceRoot || isEmbeddedResource(node);
  const inMeta = embedded ? false : insideMeta;
  if (node.default !== undefined && node.default !== null && !inMeta) errors.push(...defaultErrors(node, path));
  const items = itemsSchema(node);
  if (items) walk(items, `${path}.items`, false, inMeta, errors);
  for (const [key, value] of Object.entries(propertiesOf(node))) {
    const property = asSchemaNode(value);
    if (property) walk(property, `${path}.properties[${key}]`, false, inMeta || (embedded && typeAndObjectMetaFields.has(key)), errors);
  }
}
