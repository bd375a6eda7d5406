import type { ErrorObject } from 'ajv';
import { fieldError, type FieldError } from '../errors.ts';
import { ajvValidator, declaredTypes, originalNode } from './schema-ajv.ts';
import type { SchemaNode } from './schema-node.ts';
import { childPath, indexPath, isJsonObject, jsonTypeName } from './schema-values.ts';

/** Where in the value a schema node was validated: object keys and array indexes from the root. */
export type ValueLocation = (string | number)[];

/** A schema error and the value node whose validation produced it (for ratcheting). */
export interface LocatedError {
  error: FieldError;
  at: ValueLocation;
}

/** Turns Ajv's JSON pointer into keys and indexes, telling them apart by walking the value. */
function locate(root: unknown, pointer: string): ValueLocation {
  const location: ValueLocation = [];
  let current = root;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(current)) {
      const index = Number(segment);
      location.push(index);
      current = current[index];
    } else {
      location.push(segment);
      current = isJsonObject(current) ? current[segment] : undefined;
    }
  }
  return location;
}

/** The name upstream's validator gives a value: `spec.items[0].name`, empty for the root. */
function nameOf(location: ValueLocation): string {
  return location.reduce<string>((path, step) => (typeof step === 'number' ? indexPath(path, step) : childPath(path, step)), '');
}

/** Upstream messages start with `<name> in body`; a root value has no name. */
function inBody(name: string): string {
  return name ? `${name} in body` : 'in body';
}

/** Enum values as upstream lists them: strings as they are, anything else as JSON. */
function enumText(values: unknown[]): string[] {
  return values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
}

const boundWords: Readonly<Record<string, string>> = {
  minimum: 'greater than or equal to',
  exclusiveMinimum: 'greater than',
  maximum: 'less than or equal to',
  exclusiveMaximum: 'less than',
};

/**
 * One Ajv error in upstream's words. `basePath` prefixes the field (upstream's
 * fldPath) but not the name inside the message; junctor failures are reported
 * on the base itself, `<nil>` at the root, as upstream does.
 */
function translate(error: ErrorObject, name: string, basePath: string): FieldError {
  const field = name ? childPath(basePath, name) : basePath || '<nil>';
  const subject = inBody(name);
  const data: unknown = error.data;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': {
      const node = originalNode(error.parentSchema);
      const expected = node ? declaredTypes(node).join(',') : String(params.type);
      const actual = jsonTypeName(data);
      return fieldError.typeInvalid(field, actual, `${subject} must be of type ${expected}: "${actual}"`);
    }
    case 'format':
      return fieldError.typeInvalid(field, data, `${subject} must be of type ${String(params.format)}: ${JSON.stringify(data)}`);
    case 'required': {
      const missing = childPath(name, String(params.missingProperty));
      return fieldError.required(childPath(basePath, missing));
    }
    case 'enum':
      return fieldError.notSupported(field, data, enumText(params.allowedValues as unknown[]));
    case 'pattern':
      return fieldError.invalid(field, data, `${subject} should match '${String(params.pattern)}'`);
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
      return fieldError.invalid(field, data, `${subject} should be ${boundWords[error.keyword]} ${String(params.limit)}`);
    case 'multipleOf':
      return fieldError.invalid(field, data, `${subject} should be a multiple of ${String(params.multipleOf)}`);
    case 'minLength':
      return fieldError.invalid(field, data, `${subject} should be at least ${String(params.limit)} chars long`);
    case 'maxLength':
      return fieldError.tooLong(field, Number(params.limit));
    case 'minItems':
      return fieldError.invalid(field, (data as unknown[]).length, `${subject} should have at least ${String(params.limit)} items`);
    case 'maxItems':
      return fieldError.tooMany(field, (data as unknown[]).length, Number(params.limit));
    case 'minProperties':
      return fieldError.invalid(field, Object.keys(data as object).length, `${subject} should have at least ${String(params.limit)} properties`);
    case 'maxProperties':
      return fieldError.tooMany(field, Object.keys(data as object).length, Number(params.limit));
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return fieldError.invalid(field, key, `${name}.${key} in body is a forbidden property`);
    }
    case 'anyOf':
      return fieldError.invalid(basePath || '<nil>', '', `"${name}" must validate at least one schema (anyOf)`);
    case 'oneOf': {
      const passing = params.passingSchemas;
      const found = Array.isArray(passing) ? `Found ${passing.length} valid alternatives` : 'Found none valid';
      return fieldError.invalid(basePath || '<nil>', '', `"${name}" must validate one and only one schema (oneOf). ${found}`);
    }
    case 'not':
      return fieldError.invalid(basePath || '<nil>', '', `"${name}" must not validate the schema (not)`);
    default:
      return fieldError.invalid(field, data, `${subject} ${error.message ?? 'is invalid'}`);
  }
}

/**
 * Errors from inside the branches of a failed anyOf/oneOf. Upstream reports
 * the junctor failure itself; the branch-by-branch errors would only confuse.
 */
function isInsideFailedBranch(error: ErrorObject, junctors: ErrorObject[]): boolean {
  return junctors.some((junctor) =>
    error.schemaPath.startsWith(`${junctor.schemaPath}/`) &&
    (error.instancePath === junctor.instancePath || error.instancePath.startsWith(`${junctor.instancePath}/`)));
}

/**
 * Validates a value against a schema node with every OpenAPI keyword of
 * apiserver-spec §9.3, in upstream's messages. `basePath` is where the value
 * sits (empty for a whole object; `…default` for a schema default).
 */
export function schemaErrors(node: SchemaNode, value: unknown, basePath = ''): LocatedError[] {
  const validate = ajvValidator(node);
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  const junctors = errors.filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf');
  return errors
    .filter((error) => !isInsideFailedBranch(error, junctors))
    .map((error) => {
      const at = locate(value, error.instancePath);
      return { error: translate(error, nameOf(at), basePath), at };
    });
}
