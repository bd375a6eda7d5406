import { fieldError, type FieldError } from '../errors.ts';
import {
  additionalPropertiesSchema,
  asSchemaNode,
  hasAdditionalProperties,
  isEmbeddedResource,
  isIntOrString,
  itemsSchema,
  junctorSchemas,
  preservesUnknownFields,
  propertiesOf,
  propertySchema,
  type SchemaNode,
} from './schema-node.ts';
import { compileGoPattern } from './schema-regexp.ts';
import { schemaDefaultErrors } from './schema-structural-defaults.ts';
import { openApiSchemaErrors } from './schema-structural-openapi.ts';
import { isJsonObject } from './schema-values.ts';

/**
 * The create-time checks of a CRD version's `openAPIV3Schema` (apiserver-spec
 * §9.3), as upstream runs them: the structural invariants (sorted by message,
 * as upstream sorts them), then, only when those hold, the defaults against
 * their own schemas, then the OpenAPI keyword rules. `path` is where the schema
 * sits, e.g. `spec.versions[0].schema.openAPIV3Schema`.
 */
export function checkStructuralSchema(schema: Record<string, unknown>, path: string): FieldError[] {
  const root = schema as SchemaNode;
  const errors: FieldError[] = [];
  if (root.nullable === true) errors.push(fieldError.forbidden(`${path}.nullable`, 'nullable cannot be true at the root'));
  const structural: FieldError[] = [];
  checkInvariants(root, 'root', path, structural);
  checkCompleteness(root, root, path, path, structural);
  structural.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  errors.push(...structural);
  if (structural.length === 0) errors.push(...schemaDefaultErrors(root, path));
  errors.push(...openApiSchemaErrors(root, path));
  return errors;
}

type Level = 'root' | 'items' | 'field';

const emptyTypeDetails: Readonly<Record<Level, string>> = {
  root: 'must not be empty at the root',
  items: 'must not be empty for specified array items',
  field: 'must not be empty for specified object fields',
};

function typeOf(node: SchemaNode): string {
  return typeof node.type === 'string' ? node.type : '';
}

/** Go's zero values: such keys count as unset. Numbers are pointers upstream, so 0 is set. */
function isUnset(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isJsonObject(value) && Object.keys(value).length === 0;
}

/** The keywords a root `metadata` schema may not use (the structural ones besides type and default). */
const metadataForbiddenKeywords = [
  'description', 'title', 'nullable', 'format', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'enum', 'maxProperties',
  'minProperties', 'required', 'allOf', 'oneOf', 'anyOf', 'not', 'items', 'additionalProperties',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-validations',
];

/** A root `metadata` may only constrain `name` and `generateName`: nothing else, not even a description. */
function restrictsMoreThanNames(metadata: SchemaNode): boolean {
  if (metadataForbiddenKeywords.some((keyword) => !isUnset(metadata[keyword]))) return true;
  const properties = Object.keys(propertiesOf(metadata));
  return properties.some((name) => name !== 'name' && name !== 'generateName');
}

function checkMetadataInvariants(metadata: SchemaNode, checkMetadata: boolean, level: Level, path: string, errors: FieldError[]): void {
  if (checkMetadata && metadata.type !== 'object') errors.push(fieldError.invalid(`${path}.type`, metadata.type ?? '', 'must be object'));
  if (level === 'root' && restrictsMoreThanNames(metadata)) {
    errors.push(fieldError.forbidden(path, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
}

/** `anyOf: [{type: integer}, {type: string}]` exactly: the int-or-string shape that may carry types. */
function isIntOrStringAnyOf(anyOf: unknown): boolean {
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return false;
  return ['integer', 'string'].every((type, i) => {
    const branch = asSchemaNode(anyOf[i]);
    return branch !== undefined && branch.type === type && Object.keys(branch).every((key) => key === 'type' || isUnset(branch[key]));
  });
}

function checkInvariants(node: SchemaNode, level: Level, path: string, errors: FieldError[]): void {
  const type = typeOf(node);
  if (type === 'array' && node.items === undefined) errors.push(fieldError.required(`${path}.items`, 'must be specified'));
  const items = itemsSchema(node);
  if (items) checkInvariants(items, 'items', `${path}.items`, errors);
  for (const [key, value] of Object.entries(propertiesOf(node))) {
    const property = asSchemaNode(value);
    if (property) checkInvariants(property, 'field', `${path}.properties[${key}]`, errors);
  }
  if (hasAdditionalProperties(node)) {
    if (level === 'root') errors.push(fieldError.forbidden(`${path}.additionalProperties`, 'must not be used at the root'));
    const additional = additionalPropertiesSchema(node);
    if (additional) checkInvariants(additional, 'field', `${path}.additionalProperties`, errors);
  }

  const intOrString = isIntOrString(node);
  const embedded = isEmbeddedResource(node);
  const preserve = preservesUnknownFields(node);
  if (intOrString && preserve) {
    errors.push(fieldError.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  if (intOrString && embedded) {
    errors.push(fieldError.invalid(`${path}.x-kubernetes-embedded-resource`, true, 'must be false if x-kubernetes-int-or-string is true'));
  }

  const allOf = junctorSchemas(node, 'allOf');
  checkValueValidation(node, isIntOrStringAnyOf(node.anyOf), allOf.length > 0 && isIntOrStringAnyOf(allOf[0].anyOf), path, errors);

  if (embedded && type !== 'object') {
    const detail = 'must be object if x-kubernetes-embedded-resource is true';
    errors.push(type ? fieldError.invalid(`${path}.type`, type, detail) : fieldError.required(`${path}.type`, detail));
  } else if (!type && !intOrString && !preserve) {
    errors.push(fieldError.required(`${path}.type`, emptyTypeDetails[level]));
  }
  if (embedded && hasAdditionalProperties(node)) {
    errors.push(fieldError.forbidden(`${path}.additionalProperties`, 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  if (level === 'root' && type && type !== 'object') errors.push(fieldError.invalid(`${path}.type`, type, 'must be object at the root'));

  const checkMetadata = level === 'root' || embedded;
  for (const typeField of ['kind', 'apiVersion']) {
    const property = propertySchema(node, typeField);
    if (checkMetadata && property && property.type !== 'string') {
      errors.push(fieldError.invalid(`${path}.properties[${typeField}].type`, property.type ?? '', 'must be string'));
    }
  }
  const metadata = propertySchema(node, 'metadata');
  if (metadata) checkMetadataInvariants(metadata, checkMetadata, level, `${path}.properties[metadata]`, errors);
  if (embedded && !preserve && Object.keys(propertiesOf(node)).length === 0) {
    errors.push(fieldError.required(`${path}.properties`, 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
}

/** The junctors of a node and its pattern; the int-or-string anyOf shapes are exempt. */
function checkValueValidation(node: SchemaNode, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, path: string, errors: FieldError[]): void {
  if (!skipAnyOf) junctorSchemas(node, 'anyOf').forEach((sub, i) => checkNested(sub, false, `${path}.anyOf[${i}]`, errors));
  junctorSchemas(node, 'allOf').forEach((sub, i) => checkNested(sub, skipFirstAllOfAnyOf && i === 0, `${path}.allOf[${i}]`, errors));
  junctorSchemas(node, 'oneOf').forEach((sub, i) => checkNested(sub, false, `${path}.oneOf[${i}]`, errors));
  const not = asSchemaNode(node.not);
  if (not) checkNested(not, false, `${path}.not`, errors);
  if (typeof node.pattern === 'string') {
    try {
      compileGoPattern(node.pattern);
    } catch (error) {
      errors.push(fieldError.invalid(`${path}.pattern`, node.pattern, `must be a valid regular expression, but isn't: ${(error as Error).message}`));
    }
  }
}

/** What may not appear inside allOf/anyOf/oneOf/not: anything that shapes values rather than checks them. */
const nestedForbidden: readonly [keyword: string, detail: string][] = [
  ['type', 'must be empty to be structural'],
  ['default', 'must be undefined to be structural'],
  ['title', 'must be empty to be structural'],
  ['description', 'must be empty to be structural'],
  ['nullable', 'must be false to be structural'],
  ['x-kubernetes-preserve-unknown-fields', 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', 'must be false to be structural'],
  ['x-kubernetes-int-or-string', 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', 'must be empty to be structural'],
  ['x-kubernetes-list-type', 'must be undefined to be structural'],
  ['x-kubernetes-map-type', 'must be undefined to be structural'],
  ['x-kubernetes-validations', 'must be empty to be structural'],
];

function checkNested(node: SchemaNode, skipAnyOf: boolean, path: string, errors: FieldError[]): void {
  checkValueValidation(node, skipAnyOf, false, path, errors);
  const items = itemsSchema(node);
  if (items) checkNested(items, false, `${path}.items`, errors);
  for (const [key, value] of Object.entries(propertiesOf(node))) {
    const property = asSchemaNode(value);
    if (property) checkNested(property, false, `${path}.properties[${key}]`, errors);
  }
  // `additionalProperties: false` has no nested form upstream; a schema or `true` does.
  if (node.additionalProperties === true || additionalPropertiesSchema(node)) {
    errors.push(fieldError.forbidden(`${path}.additionalProperties`, 'must be undefined to be structural'));
  }
  for (const [keyword, detail] of nestedForbidden) {
    if (!isUnset(node[keyword])) errors.push(fieldError.forbidden(`${path}.${keyword}`, detail));
  }
  if (propertySchema(node, 'metadata')) errors.push(fieldError.forbidden(`${path}.properties[metadata]`, 'must not be specified in a nested context'));
}

/**
 * Properties and items that the root's junctors constrain must also exist in
 * the structural part of the schema; upstream checks the root's junctors only.
 */
function checkCompleteness(checks: SchemaNode, structural: SchemaNode | undefined, structuralPath: string, checksPath: string, errors: FieldError[]): void {
  if (!structural) {
    errors.push(fieldError.required(structuralPath, `because it is defined in ${checksPath}`));
    return;
  }
  const not = asSchemaNode(checks.not);
  if (not) checkNestedCompleteness(not, structural, structuralPath, `${checksPath}.not`, errors);
  for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) {
    junctorSchemas(checks, junctor).forEach((sub, i) => checkNestedCompleteness(sub, structural, structuralPath, `${checksPath}.${junctor}[${i}]`, errors));
  }
}

function checkNestedCompleteness(checks: SchemaNode, structural: SchemaNode | undefined, structuralPath: string, checksPath: string, errors: FieldError[]): void {
  if (!structural) {
    errors.push(fieldError.required(structuralPath, `because it is defined in ${checksPath}`));
    return;
  }
  checkCompleteness(checks, structural, structuralPath, checksPath, errors);
  const items = itemsSchema(checks);
  if (items) checkNestedCompleteness(items, itemsSchema(structural), `${structuralPath}.items`, `${checksPath}.items`, errors);
  for (const [key, value] of Object.entries(propertiesOf(checks))) {
    const property = asSchemaNode(value);
    if (!property) continue;
    const counterpart = propertySchema(structural, key);
    if (counterpart) checkNestedCompleteness(property, counterpart, `${structuralPath}.properties[${key}]`, `${checksPath}.properties[${key}]`, errors);
    else errors.push(fieldError.required(`${structuralPath}.properties[${key}]`, `because it is defined in ${checksPath}.properties[${key}]`));
  }
}
