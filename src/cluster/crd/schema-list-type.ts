import { fieldError, type FieldError } from '../errors.ts';
import {
  additionalPropertiesSchema,
  itemsSchema,
  listMapKeys,
  listType,
  propertySchema,
  type SchemaNode,
} from './schema-node.ts';
import { canonicalJson, childPath, indexPath, isJsonObject, keyPath, type JsonObject } from './schema-values.ts';

/** Stands for an item of a map list that lacks the (single) key field; never a JSON text. */
const unspecifiedKey = '<unspecified>';

/**
 * The indexes where a value shows up for the second time; a value repeated
 * more often is reported once, as upstream does.
 */
function repeatedIndexes(keys: string[]): number[] {
  const seen = new Map<string, number>();
  const repeated: number[] = [];
  keys.forEach((key, i) => {
    const times = seen.get(key) ?? 0;
    if (times === 1) repeated.push(i);
    seen.set(key, times + 1);
  });
  return repeated;
}

function setErrors(items: unknown[], path: string): FieldError[] {
  return repeatedIndexes(items.map(canonicalJson)).map((i) => fieldError.duplicate(indexPath(path, i), items[i]));
}

function mapErrors(items: unknown[], keyFields: string[], path: string): FieldError[] {
  const notObject = items.findIndex((item) => item !== null && !isJsonObject(item));
  if (notObject >= 0) return [fieldError.invalid(indexPath(path, notObject), items[notObject], 'must be an object for an array of list-type map')];
  const keys: JsonObject[] = items.map((item) => {
    const key: JsonObject = {};
    for (const field of keyFields) if (isJsonObject(item) && Object.hasOwn(item, field)) key[field] = item[field];
    return key;
  });
  const texts = keyFields.length === 1
    ? keys.map((key) => (Object.hasOwn(key, keyFields[0]) ? canonicalJson(key[keyFields[0]]) : unspecifiedKey))
    : keys.map(canonicalJson);
  return repeatedIndexes(texts).map((i) => fieldError.duplicate(indexPath(path, i), keys[i]));
}

function walk(value: unknown, node: SchemaNode | undefined, path: string, errors: FieldError[]): void {
  if (!node) return;
  if (Array.isArray(value)) {
    const type = listType(node);
    if (type === 'set') errors.push(...setErrors(value, path));
    if (type === 'map') errors.push(...mapErrors(value, listMapKeys(node), path));
    const items = itemsSchema(node);
    value.forEach((item, i) => walk(item, items, indexPath(path, i), errors));
  } else if (isJsonObject(value)) {
    const additional = additionalPropertiesSchema(node);
    for (const [key, fieldValue] of Object.entries(value)) {
      const property = propertySchema(node, key);
      if (property) walk(fieldValue, property, childPath(path, key), errors);
      else if (additional) walk(fieldValue, additional, keyPath(path, key), errors);
    }
  }
}

/**
 * `Duplicate value` errors for lists with `x-kubernetes-list-type: set` (equal
 * items) and `map` (equal key fields), anywhere in the value.
 */
export function listTypeErrors(value: unknown, root: SchemaNode, basePath = ''): FieldError[] {
  const errors: FieldError[] = [];
  walk(value, root, basePath, errors);
  return errors;
}
