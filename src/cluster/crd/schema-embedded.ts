import { fieldError, type FieldError } from '../errors.ts';
import { validateAnnotations, validateLabels } from '../object-meta.ts';
import {
  additionalPropertiesSchema,
  isEmbeddedResource,
  itemsSchema,
  propertySchema,
  type SchemaNode,
} from './schema-node.ts';
import { objectMetaDecodeError } from './schema-object-meta.ts';
import { childPath, indexPath, isJsonObject, keyPath, type JsonObject } from './schema-values.ts';

/**
 * Objects marked `x-kubernetes-embedded-resource: true` are whole Kubernetes
 * objects inside a custom resource (a Pod template, say): upstream requires
 * their apiVersion and kind and validates their metadata as ObjectMeta
 * (apiserver-spec §9.3).
 */

const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Message = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const dns1123Message = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

function labelProblems(value: string, pattern: RegExp, message: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push('must be no more than 63 characters');
  if (!pattern.test(value)) problems.push(message);
  return problems;
}

/** Embedded objects are not addressed by URL, so their names only need to be usable as one path segment. */
function pathSegmentProblems(name: string, isPrefix: boolean): string[] {
  if (!isPrefix && (name === '.' || name === '..')) return [`may not be '${name}'`];
  return ['/', '%'].filter((bad) => name.includes(bad)).map((bad) => `may not contain '${bad}'`);
}

/** Moves errors that object-meta.ts reports under `metadata` to the embedded object's metadata. */
function underMetadataAt(errors: FieldError[], metadataPath: string): FieldError[] {
  return errors.map((error) => {
    const field = metadataPath + error.field.slice('metadata'.length);
    return { ...error, field, message: field + error.message.slice(error.field.length) };
  });
}

function apiVersionErrors(value: unknown, path: string): FieldError[] {
  if (typeof value !== 'string') return [fieldError.invalid(path, value, 'must be a string')];
  if (value === '') return [fieldError.invalid(path, value, 'must not be empty')];
  if (value.split('/').length > 2) return [fieldError.invalid(path, value, `unexpected GroupVersion string: ${value}`)];
  return [];
}

function kindErrors(value: unknown, path: string): FieldError[] {
  if (typeof value !== 'string') return [fieldError.invalid(path, value, 'must be a string')];
  if (value === '') return [fieldError.invalid(path, value, 'must not be empty')];
  const problems = labelProblems(value.toLowerCase(), dns1035Label, dns1035Message);
  return problems.length ? [fieldError.invalid(path, value, `may have mixed case, but should otherwise match: ${problems.join(',')}`)] : [];
}

function metadataErrors(value: unknown, path: string): FieldError[] {
  const decodeError = objectMetaDecodeError(value);
  if (decodeError) return [fieldError.invalid(path, value, decodeError)];
  if (!isJsonObject(value)) return [];
  const errors: FieldError[] = [];
  const generateName = typeof value.generateName === 'string' ? value.generateName : '';
  if (generateName) errors.push(...pathSegmentProblems(generateName, true).map((p) => fieldError.invalid(`${path}.generateName`, generateName, p)));
  // Upstream fills in a stand-in name, so a nameless embedded object passes.
  const name = typeof value.name === 'string' && value.name ? value.name : 'fakename';
  errors.push(...pathSegmentProblems(name, false).map((p) => fieldError.invalid(`${path}.name`, name, p)));
  const namespace = typeof value.namespace === 'string' ? value.namespace : '';
  if (namespace) errors.push(...labelProblems(namespace, dns1123Label, dns1123Message).map((p) => fieldError.invalid(`${path}.namespace`, namespace, p)));
  errors.push(...underMetadataAt(validateLabels(value.labels), path));
  errors.push(...underMetadataAt(validateAnnotations(value.annotations), path));
  return errors;
}

function embeddedObjectErrors(obj: JsonObject, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!Object.hasOwn(obj, 'apiVersion')) errors.push(fieldError.required(childPath(path, 'apiVersion'), 'must not be empty'));
  if (!Object.hasOwn(obj, 'kind')) errors.push(fieldError.required(childPath(path, 'kind'), 'must not be empty'));
  if (Object.hasOwn(obj, 'apiVersion')) errors.push(...apiVersionErrors(obj.apiVersion, childPath(path, 'apiVersion')));
  if (Object.hasOwn(obj, 'kind')) errors.push(...kindErrors(obj.kind, childPath(path, 'kind')));
  if (Object.hasOwn(obj, 'metadata')) errors.push(...metadataErrors(obj.metadata, childPath(path, 'metadata')));
  return errors;
}

function walk(value: unknown, node: SchemaNode | undefined, path: string, errors: FieldError[]): void {
  if (!node) return;
  if (isJsonObject(value)) {
    if (isEmbeddedResource(node)) errors.push(...embeddedObjectErrors(value, path));
    const additional = additionalPropertiesSchema(node);
    for (const [key, fieldValue] of Object.entries(value)) {
      const property = propertySchema(node, key);
      if (property) walk(fieldValue, property, childPath(path, key), errors);
      else if (additional) walk(fieldValue, additional, keyPath(path, key), errors);
    }
  } else if (Array.isArray(value)) {
    const items = itemsSchema(node);
    value.forEach((item, i) => walk(item, items, indexPath(path, i), errors));
  }
}

/** Errors of every embedded resource in the value, the value itself included when its node is one. */
export function embeddedResourceErrors(value: unknown, root: SchemaNode, basePath = ''): FieldError[] {
  const errors: FieldError[] = [];
  walk(value, root, basePath, errors);
  return errors;
}
