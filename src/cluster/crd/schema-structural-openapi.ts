import { fieldError, type FieldError } from '../errors.ts';
import {
  additionalPropertiesSchema,
  asSchemaNode,
  isEmbeddedResource,
  itemsSchema,
  junctorSchemas,
  propertiesOf,
  typeAndObjectMetaFields,
  type SchemaNode,
} from './schema-node.ts';
import { isJsonObject } from './schema-values.ts';

/**
 * The OpenAPI keyword rules a CRD schema must follow beyond being structural:
 * unsupported keywords, `uniqueItems`, properties beside additionalProperties,
 * defaults inside resource metadata, and the `x-kubernetes-*` extensions' own
 * consistency (list and map types, list-map keys, validation rule shapes).
 */
export function openApiSchemaErrors(root: SchemaNode, path: string): FieldError[] {
  const errors: FieldError[] = [];
  check(root, path, { isRoot: true, insideResourceMeta: false }, errors);
  return errors;
}

interface Context {
  isRoot: boolean;
  insideResourceMeta: boolean;
  /** Set where defaults are forbidden; the text says where (`in top-level metadata`). */
  defaultsForbidden?: string;
}

const openApiTypes = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const ruleReasons = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
const unsupportedKeywords: readonly [keyword: string, detail: string][] = [
  ['id', 'id is not supported'],
  ['additionalItems', 'additionalItems is not supported'],
  ['patternProperties', 'patternProperties is not supported'],
  ['definitions', 'definitions is not supported'],
  ['dependencies', 'dependencies is not supported'],
  ['$ref', '$ref is not supported'],
];

function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  return !isJsonObject(value) || Object.keys(value).length > 0;
}

function hasNewlines(text: string): boolean {
  return /\r|\n/.test(text);
}

function checkKeywords(node: SchemaNode, path: string, context: Context, errors: FieldError[]): void {
  const type = node.type;
  if (type !== undefined && type !== '' && (typeof type !== 'string' || !openApiTypes.includes(type))) {
    errors.push(fieldError.notSupported(`${path}.type`, type, openApiTypes));
  }
  if (type === 'null') errors.push(fieldError.forbidden(`${path}.type`, 'type cannot be set to null, use nullable as an alternative'));
  if (node.default !== undefined && node.default !== null && context.defaultsForbidden !== undefined) {
    errors.push(fieldError.forbidden(`${path}.default`, `must not be set ${context.defaultsForbidden}`));
  }
  for (const [keyword, detail] of unsupportedKeywords) {
    if (isSet(node[keyword])) errors.push(fieldError.forbidden(`${path}.${keyword}`, detail));
  }
  if (Array.isArray(node.items)) errors.push(fieldError.forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  if (context.insideResourceMeta && isEmbeddedResource(node)) {
    errors.push(fieldError.forbidden(`${path}.x-kubernetes-embedded-resource`, 'must not be used inside of resource meta'));
  }
}

function checkMapType(node: SchemaNode, path: string, errors: FieldError[]): void {
  const mapType = node['x-kubernetes-map-type'];
  if (mapType === undefined || mapType === null) return;
  if (node.type !== 'object') {
    const detail = 'must be object if x-kubernetes-map-type is specified';
    errors.push(node.type ? fieldError.invalid(`${path}.type`, node.type, detail) : fieldError.required(`${path}.type`, detail));
  }
  if (mapType !== 'atomic' && mapType !== 'granular') errors.push(fieldError.notSupported(`${path}.x-kubernetes-map-type`, mapType, ['atomic', 'granular']));
}

function checkListType(node: SchemaNode, path: string, errors: FieldError[]): void {
  const listType = node['x-kubernetes-list-type'];
  const keys = Array.isArray(node['x-kubernetes-list-map-keys']) ? node['x-kubernetes-list-map-keys'] : [];
  const items = itemsSchema(node);
  if (listType !== undefined && listType !== null) {
    if (node.type !== 'array') {
      const detail = 'must be array if x-kubernetes-list-type is specified';
      errors.push(node.type ? fieldError.invalid(`${path}.type`, node.type, detail) : fieldError.required(`${path}.type`, detail));
    } else if (listType === 'set' && items) {
      // Items of a set are compared whole, so they must be atomic themselves.
      const detail = 'must be atomic as item of a list with x-kubernetes-list-type=set';
      const itemListType = items['x-kubernetes-list-type'];
      if (items.type === 'array' && itemListType !== undefined && itemListType !== 'atomic') {
        errors.push(fieldError.invalid(`${path}.items.x-kubernetes-list-type`, itemListType, detail));
      }
      // Upstream quotes the item's list type here, not its map type.
      if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
        errors.push(fieldError.invalid(`${path}.items.x-kubernetes-map-type`, itemListType ?? null, detail));
      }
    }
    if (listType !== 'atomic' && listType !== 'set' && listType !== 'map') {
      errors.push(fieldError.notSupported(`${path}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
    }
  }
  if (keys.length > 0) {
    const detail = 'must be map if x-kubernetes-list-map-keys is non-empty';
    if (listType === undefined || listType === null) errors.push(fieldError.required(`${path}.x-kubernetes-list-type`, detail));
    else if (listType !== 'map') errors.push(fieldError.invalid(`${path}.x-kubernetes-list-type`, listType, detail));
  }
  if (listType === 'map') checkMapListKeys(node, keys, path, errors);
  if ((listType === 'set' || listType === 'map') && items) checkKeyedItems(items, keys, listType, path, errors);
}

function checkMapListKeys(node: SchemaNode, keys: unknown[], path: string, errors: FieldError[]): void {
  if (keys.length === 0) errors.push(fieldError.required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
  if (node.items === undefined || node.items === null) {
    errors.push(fieldError.required(`${path}.items`, 'must have a schema if x-kubernetes-list-type is map'));
    return;
  }
  const items = itemsSchema(node);
  if (!items) {
    errors.push(fieldError.invalid(`${path}.items`, node.items, 'must only have a single schema if x-kubernetes-list-type is map'));
    return;
  }
  if (items.type !== 'object') {
    errors.push(fieldError.invalid(`${path}.items.type`, items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    return;
  }
  const properties = propertiesOf(items);
  const seen = new Set<unknown>();
  for (const key of keys) {
    const property = typeof key === 'string' && Object.hasOwn(properties, key) ? asSchemaNode(properties[key]) : undefined;
    if (!property) {
      errors.push(fieldError.invalid(`${path}.x-kubernetes-list-map-keys`, keys, 'entries must all be names of item properties'));
    } else if (property.type === 'array' || property.type === 'object') {
      // Upstream quotes the item's type ("object") here, not the key property's.
      errors.push(fieldError.invalid(`${path}.items.properties[${String(key)}].type`, items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
    }
    if (seen.has(key)) errors.push(fieldError.invalid(`${path}.x-kubernetes-list-map-keys`, keys, 'must not contain duplicate entries'));
    seen.add(key);
  }
}

/** Set and map items are identified by value or key, so those may not be null. */
function checkKeyedItems(items: SchemaNode, keys: unknown[], listType: string, path: string, errors: FieldError[]): void {
  if (items.nullable === true) errors.push(fieldError.forbidden(`${path}.items.nullable`, `cannot be nullable when x-kubernetes-list-type is ${listType}`));
  if (listType !== 'map') return;
  const required = new Set<unknown>(Array.isArray(items.required) ? items.required : []);
  const properties = propertiesOf(items);
  for (const key of keys) {
    const property = typeof key === 'string' && Object.hasOwn(properties, key) ? asSchemaNode(properties[key]) : undefined;
    if (!property) continue;
    const propertyPath = `${path}.items.properties[${String(key)}]`;
    if (!required.has(key) && (property.default === undefined || property.default === null)) {
      errors.push(fieldError.required(`${propertyPath}.default`, 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
    }
    if (property.nullable === true) errors.push(fieldError.forbidden(`${propertyPath}.nullable`, 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
  }
}

/** The shape of CEL rules; the rules themselves are not compiled or run. */
function checkValidationRules(node: SchemaNode, path: string, errors: FieldError[]): void {
  const rules = node['x-kubernetes-validations'];
  if (!Array.isArray(rules)) return;
  rules.forEach((entry, i) => {
    if (!isJsonObject(entry)) return;
    const rulePath = `${path}.x-kubernetes-validations[${i}]`;
    const rule = typeof entry.rule === 'string' ? entry.rule.trim() : '';
    const message = typeof entry.message === 'string' ? entry.message : '';
    if (rule === '') errors.push(fieldError.required(`${rulePath}.rule`, 'rule is not specified'));
    else if (message.length > 0 && message.trim() === '') errors.push(fieldError.invalid(`${rulePath}.message`, message, 'message must be non-empty if specified'));
    else if (hasNewlines(message.trim())) errors.push(fieldError.invalid(`${rulePath}.message`, message, 'message must not contain line breaks'));
    else if (hasNewlines(rule) && message.trim() === '') errors.push(fieldError.required(`${rulePath}.message`, 'message must be specified if rule contains line breaks'));
    if (typeof entry.messageExpression === 'string' && entry.messageExpression.length > 0 && entry.messageExpression.trim() === '') {
      errors.push(fieldError.required(`${rulePath}.messageExpression`, 'messageExpression must be non-empty if specified'));
    }
    if (entry.reason !== undefined && entry.reason !== null && !ruleReasons.includes(entry.reason as string)) {
      errors.push(fieldError.notSupported(`${rulePath}.reason`, entry.reason, ruleReasons));
    }
    if (typeof entry.fieldPath === 'string' && entry.fieldPath.length > 0) {
      if (entry.fieldPath.trim() === '') errors.push(fieldError.invalid(`${rulePath}.fieldPath`, entry.fieldPath, 'fieldPath must be non-empty if specified'));
      if (hasNewlines(entry.fieldPath)) errors.push(fieldError.invalid(`${rulePath}.fieldPath`, entry.fieldPath, 'fieldPath must not contain line breaks'));
    }
  });
}

function check(node: SchemaNode, path: string, context: Context, errors: FieldError[]): void {
  checkKeywords(node, path, context, errors);
  const nested: Context = { ...context, isRoot: false };
  if (node.uniqueItems === true) {
    errors.push(fieldError.forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  }
  const properties = propertiesOf(node);
  const additional = additionalPropertiesSchema(node);
  if (Object.keys(properties).length > 0 && (node.additionalProperties === false || additional)) {
    errors.push(fieldError.forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  if (additional) {
    // Pruning inside metadata maps cannot tell which keys a default would add.
    const defaultsForbidden = context.insideResourceMeta ? 'inside additionalProperties applying to object metadata' : context.defaultsForbidden;
    check(additional, `${path}.additionalProperties`, { ...nested, defaultsForbidden }, errors);
  }
  for (const [key, value] of Object.entries(properties)) {
    const property = asSchemaNode(value);
    if (!property) continue;
    const metaField = (context.isRoot || isEmbeddedResource(node)) && typeAndObjectMetaFields.has(key);
    check(property, `${path}.properties[${key}]`, {
      isRoot: false,
      insideResourceMeta: context.insideResourceMeta || metaField,
      defaultsForbidden: context.isRoot && metaField ? `in top-level ${key}` : context.defaultsForbidden,
    }, errors);
  }
  const not = asSchemaNode(node.not);
  if (not) check(not, `${path}.not`, nested, errors);
  for (const junctor of ['allOf', 'oneOf', 'anyOf'] as const) {
    junctorSchemas(node, junctor).forEach((sub, i) => check(sub, `${path}.${junctor}[${i}]`, nested, errors));
  }
  if (Array.isArray(node.items)) {
    node.items.forEach((item, i) => {
      const schema = asSchemaNode(item);
      if (schema) check(schema, `${path}.items[${i}]`, nested, errors);
    });
  } else {
    const items = itemsSchema(node);
    if (items) check(items, `${path}.items`, nested, errors);
  }
  if (node['x-kubernetes-preserve-unknown-fields'] === false) {
    errors.push(fieldError.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  }
  checkMapType(node, path, errors);
  checkListType(node, path, errors);
  checkValidationRules(node, path, errors);
}
