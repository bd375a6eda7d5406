import {
  fieldSchema,
  isEmbeddedResource,
  itemsSchema,
  preservesUnknownFields,
  typeAndObjectMetaFields,
  type SchemaNode,
} from './schema-node.ts';
import { pruneObjectMeta } from './schema-object-meta.ts';
import { childPath, indexPath, isJsonObject, type JsonObject } from './schema-values.ts';

/** A pruned copy of an object and the dotted paths of the fields that were removed. */
export interface PruneResult {
  value: unknown;
  unknownFields: string[];
}

/** The unknown-field paths in the order upstream reports them: root metadata, schema fields, embedded metadata. */
interface Found {
  rootMeta: string[];
  schema: string[];
  embeddedMeta: string[];
}

/**
 * Removes every field the structural schema does not declare (apiserver-spec
 * §9.3): below `x-kubernetes-preserve-unknown-fields` unknown fields stay; the
 * resource root and every embedded resource keep `apiVersion`, `kind` and
 * `metadata`, and their metadata keeps only real ObjectMeta fields. With
 * `resourceRoot` false the value is a plain field value (a schema default).
 * The input is not modified.
 */
export function pruneUnknownFields(obj: unknown, root: SchemaNode, resourceRoot = true): PruneResult {
  const found: Found = { rootMeta: [], schema: [], embeddedMeta: [] };
  const value = pruneValue(obj, root, '', found, resourceRoot);
  return {
    value,
    unknownFields: [...found.rootMeta, ...found.schema.sort(), ...found.embeddedMeta.sort()],
  };
}

/** apiVersion and kind stay as sent; metadata is cut down to ObjectMeta. */
function keepTypeOrObjectMeta(key: string, value: unknown, path: string, found: Found, resourceRoot: boolean): unknown {
  if (key !== 'metadata') return value;
  const pruned = pruneObjectMeta(value, childPath(path, 'metadata'));
  (resourceRoot ? found.rootMeta : found.embeddedMeta).push(...pruned.unknownFields);
  return pruned.value;
}

function pruneValue(value: unknown, node: SchemaNode | undefined, path: string, found: Found, resourceRoot = false): unknown {
  if (node && preservesUnknownFields(node)) return keepUnknown(value, node, path, found, resourceRoot);
  if (isJsonObject(value)) {
    const kept: JsonObject = {};
    for (const [key, fieldValue] of Object.entries(value)) {
      const keyPath = childPath(path, key);
      if ((resourceRoot || isEmbeddedResource(node)) && typeAndObjectMetaFields.has(key)) {
        kept[key] = keepTypeOrObjectMeta(key, fieldValue, path, found, resourceRoot);
        continue;
      }
      const field = node ? fieldSchema(node, key) : undefined;
      if (field?.declared) kept[key] = pruneValue(fieldValue, field.schema, keyPath, found);
      else found.schema.push(keyPath);
    }
    return kept;
  }
  if (Array.isArray(value)) {
    const items = node ? itemsSchema(node) : undefined;
    return value.map((item, i) => pruneValue(item, items, indexPath(path, i), found));
  }
  return value;
}

/**
 * Below `x-kubernetes-preserve-unknown-fields` unknown fields stay, but declared
 * ones are still pruned by their own schemas, as upstream does.
 */
function keepUnknown(value: unknown, node: SchemaNode | undefined, path: string, found: Found, resourceRoot = false): unknown {
  if (!node) return value;
  if (isJsonObject(value)) {
    const kept: JsonObject = {};
    for (const [key, fieldValue] of Object.entries(value)) {
      if ((resourceRoot || isEmbeddedResource(node)) && typeAndObjectMetaFields.has(key)) {
        kept[key] = keepTypeOrObjectMeta(key, fieldValue, path, found, resourceRoot);
        continue;
      }
      const field = fieldSchema(node, key);
      kept[key] = field.declared ? pruneValue(fieldValue, field.schema, childPath(path, key), found) : fieldValue;
    }
    return kept;
  }
  if (Array.isArray(value)) {
    const items = itemsSchema(node);
    return value.map((item, i) => keepUnknown(item, items, indexPath(path, i), found));
  }
  return value;
}
