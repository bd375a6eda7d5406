import { Ajv, type SchemaObject, type ValidateFunction } from 'ajv';
import { formatCheck } from './schema-formats.ts';
import {
  additionalPropertiesSchema,
  asSchemaNode,
  isIntOrString,
  isNullable,
  itemsSchema,
  junctorSchemas,
  propertiesOf,
  type SchemaNode,
} from './schema-node.ts';
import { compileGoPattern } from './schema-regexp.ts';
import { isJsonObject } from './schema-values.ts';

/**
 * Ajv runs the validation keywords of CRD schemas. A CRD schema is OpenAPI 3.0
 * with Kubernetes extensions, so each node is first rewritten into the JSON
 * Schema that Ajv understands, keeping what upstream's validator checks:
 * `nullable` and int-or-string become type lists, boolean exclusive bounds
 * become numeric ones, unchecked formats are dropped, and `x-kubernetes-*`
 * keywords are left to our own walks.
 */

const jsonTypes = new Set(['array', 'boolean', 'integer', 'number', 'object', 'string']);
const copiedNumbers = ['multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'] as const;

/** Ajv compiles `pattern` with this, so Go spellings keep their meaning. */
const goRegExpEngine = Object.assign((pattern: string) => compileGoPattern(pattern), { code: 'compileGoPattern' });

const ajv = new Ajv({
  allErrors: true,
  verbose: true,
  strict: false,
  validateSchema: false,
  ownProperties: true,
  // Upstream accepts 0.3 as a multiple of 0.1; plain float division would not.
  multipleOfPrecision: 9,
  code: { regExp: goRegExpEngine },
});

const registeredFormats = new Set<string>();
const compiled = new WeakMap<SchemaNode, ValidateFunction>();
const originals = new WeakMap<object, SchemaNode>();

/** The types a node accepts, without `null`: int-or-string accepts both. */
export function declaredTypes(node: SchemaNode): string[] {
  if (isIntOrString(node)) return ['integer', 'string'];
  return typeof node.type === 'string' && jsonTypes.has(node.type) ? [node.type] : [];
}

function convertFormat(node: SchemaNode, out: SchemaObject): void {
  if (typeof node.format !== 'string') return;
  const check = formatCheck(node.format);
  if (!check) return;
  // Registered under the name as written, so errors can quote it as upstream does.
  if (!registeredFormats.has(node.format)) {
    ajv.addFormat(node.format, { type: 'string', validate: check });
    registeredFormats.add(node.format);
  }
  out.format = node.format;
}

function convertBounds(node: SchemaNode, out: SchemaObject): void {
  if (typeof node.minimum === 'number') out[node.exclusiveMinimum === true ? 'exclusiveMinimum' : 'minimum'] = node.minimum;
  if (typeof node.maximum === 'number') out[node.exclusiveMaximum === true ? 'exclusiveMaximum' : 'maximum'] = node.maximum;
}

function convert(node: SchemaNode): SchemaObject {
  const out: SchemaObject = {};
  originals.set(out, node);
  const types = declaredTypes(node);
  if (types.length > 0) {
    const accepted = isNullable(node) ? [...types, 'null'] : types;
    out.type = accepted.length === 1 ? accepted[0] : accepted;
  }
  for (const keyword of copiedNumbers) {
    if (typeof node[keyword] === 'number') out[keyword] = node[keyword];
  }
  convertBounds(node, out);
  convertFormat(node, out);
  if (typeof node.pattern === 'string') out.pattern = node.pattern;
  if (Array.isArray(node.enum) && node.enum.length > 0) out.enum = node.enum;
  if (Array.isArray(node.required)) out.required = node.required.filter((name) => typeof name === 'string');
  if (isJsonObject(node.properties)) {
    out.properties = {};
    for (const [key, property] of Object.entries(propertiesOf(node))) {
      const schema = asSchemaNode(property);
      if (schema) out.properties[key] = convert(schema);
    }
  }
  const items = itemsSchema(node);
  if (items) out.items = convert(items);
  const additional = additionalPropertiesSchema(node);
  if (additional) out.additionalProperties = convert(additional);
  else if (typeof node.additionalProperties === 'boolean') out.additionalProperties = node.additionalProperties;
  for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) {
    const schemas = junctorSchemas(node, junctor);
    if (schemas.length > 0) out[junctor] = schemas.map(convert);
  }
  const not = asSchemaNode(node.not);
  if (not) out.not = convert(not);
  return out;
}

/** The Ajv validator for a schema node, compiled once per node object. */
export function ajvValidator(node: SchemaNode): ValidateFunction {
  let validate = compiled.get(node);
  if (!validate) {
    const schema = convert(node);
    validate = ajv.compile(schema);
    // Our own WeakMap is the cache; Ajv's would keep every schema ever compiled alive.
    ajv.removeSchema(schema);
    compiled.set(node, validate);
  }
  return validate;
}

/** The CRD schema node that an Ajv (converted) schema node was made from. */
export function originalNode(converted: unknown): SchemaNode | undefined {
  return typeof converted === 'object' && converted !== null ? originals.get(converted) : undefined;
}
