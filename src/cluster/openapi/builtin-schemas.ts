/**
 * OpenAPI v3 component schemas for the built-in Kubernetes kinds, made at runtime from the
 * declaration files of the `kubernetes-types` package (generated from the Kubernetes OpenAPI, with a
 * TSDoc description per type and field). Files are read and converted lazily, one module and one
 * component at a time, and kept in memory, so nothing is parsed before the first request needs it.
 *
 * Component names follow upstream: `io.k8s.api.core.v1.Pod`, `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`.
 * References to other types use `$ref`, wrapped in `allOf` when the field carries its own description,
 * as upstream does. What the declaration files cannot express is added here: int-or-string and
 * Quantity, the date-time format of Time and MicroTime, the few float fields, the free-form types, the
 * `x-kubernetes-*` keywords of JSONSchemaProps, and `x-kubernetes-group-version-kind` on top-level kinds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readDeclarations } from './dts-reader.ts';
import type { DtsAlias, DtsField, DtsInterface, DtsModule, DtsType } from './dts-reader.ts';
import {
  ADDED_COMPONENTS,
  ADDED_FIELDS,
  ADDED_REQUIRED,
  FLOAT_FIELDS,
  INT_OR_STRING,
  META_KINDS,
  REMOVED_FIELDS,
  SCHEMA_OVERRIDES,
} from './builtin-schema-supplements.ts';
import { componentNameOf, componentRef } from './schema-types.ts';
import type { GroupVersionKind, OpenApiSchema, SchemaResolver } from './schema-types.ts';

/** Built-in component schemas, by upstream component name and by kind. The schemas are frozen. */
export interface SchemaRegistry {
  /** The component schema with that name (`io.k8s.api.core.v1.Pod`), or undefined if there is none. */
  schema(name: string): OpenApiSchema | undefined;
  /** Resolves `#/components/schemas/<name>` references to built-in components. */
  resolve: SchemaResolver;
  /** The component name of a built-in kind (`''`, `v1`, `Pod` → `io.k8s.api.core.v1.Pod`), or undefined. */
  componentNameForKind(group: string, version: string, kind: string): string | undefined;
  /** The component schema of a built-in kind, or undefined if `kubernetes-types` does not declare it. */
  schemaForKind(group: string, version: string, kind: string): OpenApiSchema | undefined;
}

const API_PREFIX = 'io.k8s.api.';

/** Modules outside `k8s.io/api`, with the Go package path upstream names their components after. */
const MODULE_PREFIXES: ReadonlyArray<readonly [module: string, prefix: string]> = [
  ['meta/v1', 'io.k8s.apimachinery.pkg.apis.meta.v1'],
  ['api/resource', 'io.k8s.apimachinery.pkg.api.resource'],
  ['runtime', 'io.k8s.apimachinery.pkg.runtime'],
  ['version', 'io.k8s.apimachinery.pkg.version'],
  ['apiextensions/v1', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1'],
];

let registry: SchemaRegistry | undefined;

/** The process-wide registry of built-in schemas; created on first use, filled lazily. */
export function builtinSchemas(): SchemaRegistry {
  registry ??= createRegistry(packageRoot());
  return registry;
}

function packageRoot(): string {
  return dirname(createRequire(import.meta.url).resolve('kubernetes-types/package.json'));
}

function createRegistry(root: string): SchemaRegistry {
  const modules = new Map<string, DtsModule | undefined>();
  const components = new Map<string, OpenApiSchema | undefined>();

  const loadModule = (path: string): DtsModule | undefined => {
    if (!modules.has(path)) {
      const file = join(root, `${path}.d.ts`);
      const valid = /^[a-z0-9]+(\/[a-z0-9]+)?$/.test(path) && existsSync(file);
      modules.set(path, valid ? readDeclarations(path, readFileSync(file, 'utf8')) : undefined);
    }
    return modules.get(path);
  };

  const declarationOf = (name: string): DtsInterface | DtsAlias | undefined => {
    const location = locate(name);
    return location && loadModule(location.module)?.declarations.get(location.type);
  };

  const schema = (name: string): OpenApiSchema | undefined => {
    if (!components.has(name)) {
      const declaration = declarationOf(name);
      const built = ADDED_COMPONENTS.get(name) ?? (declaration && toSchema(name, declaration));
      // Frozen: every caller shares these objects, so a stray mutation must fail loudly.
      components.set(name, built && deepFreeze(built));
    }
    return components.get(name);
  };

  // Every write of a built-in looks its kind up, so the answers are kept.
  const kindComponents = new Map<string, string | undefined>();
  const componentNameForKind = (group: string, version: string, kind: string): string | undefined => {
    const key = `${group}/${version}/${kind}`;
    if (!kindComponents.has(key)) kindComponents.set(key, findComponentForKind(group, version, kind));
    return kindComponents.get(key);
  };

  const findComponentForKind = (group: string, version: string, kind: string): string | undefined => {
    const module = moduleOf(group, version);
    const declaration = loadModule(module)?.declarations.get(kind);
    if (declaration?.kind !== 'interface') return undefined;
    const gvk = kindOf(declaration);
    if (!gvk || gvk.group !== group || gvk.version !== version) return undefined;
    return componentName(module, kind);
  };

  return {
    schema,
    resolve: (ref) => {
      const name = componentNameOf(ref);
      return name === undefined ? undefined : schema(name);
    },
    componentNameForKind,
    schemaForKind: (group, version, kind) => {
      const name = componentNameForKind(group, version, kind);
      return name === undefined ? undefined : schema(name);
    },
  };
}

/**
 * The module declaring a group/version's kinds: the package names its folders after the Go package,
 * which is the group's first label (`rbac.authorization.k8s.io` → `rbac/v1`), with two exceptions.
 * `componentNameForKind` then checks the kind's own apiVersion, so a wrong guess finds nothing.
 */
function moduleOf(group: string, version: string): string {
  const folder = group === '' ? 'core' : group === 'internal.apiserver.k8s.io' ? 'apiserverinternal' : group.split('.')[0];
  return `${folder}/${version}`;
}

/** The upstream component name of a type declared in a module of the package. */
function componentName(module: string, type: string): string {
  const special = MODULE_PREFIXES.find(([path]) => path === module);
  return `${special ? special[1] : API_PREFIX + module.replace('/', '.')}.${type}`;
}

/** The module and type name behind a component name: the inverse of `componentName`. */
function locate(name: string): { module: string; type: string } | undefined {
  const dot = name.lastIndexOf('.');
  const prefix = name.slice(0, dot);
  const type = name.slice(dot + 1);
  const special = MODULE_PREFIXES.find(([, known]) => known === prefix);
  if (special) return { module: special[0], type };
  if (!prefix.startsWith(API_PREFIX)) return undefined;
  return { module: prefix.slice(API_PREFIX.length).replace('.', '/'), type };
}

/** The kind a top-level type declares through its literal `apiVersion` and `kind` fields. */
function kindOf(declaration: DtsInterface): GroupVersionKind | undefined {
  const literal = (field: string): string | undefined => {
    const type = declaration.fields.find((candidate) => candidate.name === field)?.type;
    return type?.kind === 'literal' ? type.value : undefined;
  };
  const apiVersion = literal('apiVersion');
  const kind = literal('kind');
  if (apiVersion === undefined || kind === undefined) return undefined;
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion, kind }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

function toSchema(name: string, declaration: DtsInterface | DtsAlias): OpenApiSchema {
  const described: OpenApiSchema = declaration.description === undefined ? {} : { description: declaration.description };
  const override = SCHEMA_OVERRIDES.get(name);
  if (override) return { ...described, ...override };
  if (declaration.kind === 'alias') return { ...described, ...typeSchema(declaration.type) };

  const schema: OpenApiSchema = { ...described, type: 'object' };
  const floats = FLOAT_FIELDS.get(name);
  const removed = REMOVED_FIELDS.get(name) ?? [];
  const fields = declaration.fields.filter((field) => !removed.includes(field.name));
  const properties: Record<string, OpenApiSchema> = {};
  for (const field of fields) properties[field.name] = fieldSchema(field, floats?.has(field.name) ?? false);
  Object.assign(properties, ADDED_FIELDS.get(name));
  if (Object.keys(properties).length > 0) schema.properties = properties;
  const required = [...fields.filter((field) => !field.optional).map((field) => field.name), ...(ADDED_REQUIRED.get(name) ?? [])];
  if (required.length > 0) schema.required = required;

  const isMetaKind = locate(name)?.module === 'meta/v1' && META_KINDS.has(declaration.name);
  const gvk = kindOf(declaration) ?? (isMetaKind ? { group: '', version: 'v1', kind: declaration.name } : undefined);
  if (gvk) schema['x-kubernetes-group-version-kind'] = [gvk];
  return schema;
}

function fieldSchema(field: DtsField, isFloat: boolean): OpenApiSchema {
  const schema = isFloat ? { type: 'number', format: 'double' } : typeSchema(field.type);
  if (field.description === undefined) return schema;
  // Upstream wraps a described reference in allOf, since OpenAPI 3.0 ignores siblings of $ref.
  if (schema.$ref !== undefined) return { allOf: [schema], description: field.description };
  return { description: field.description, ...schema };
}

function typeSchema(type: DtsType): OpenApiSchema {
  switch (type.kind) {
    case 'primitive':
      return { type: type.name === 'number' ? 'integer' : type.name };
    case 'literal':
      return { type: 'string' };
    case 'array':
      return { type: 'array', items: typeSchema(type.items) };
    case 'map':
      return { type: 'object', additionalProperties: typeSchema(type.values) };
    case 'reference':
      return { $ref: componentRef(componentName(type.module, type.name)) };
    case 'union': {
      const isIntOrString =
        type.members.length === 2 &&
        type.members.every((member) => member.kind === 'primitive' && (member.name === 'number' || member.name === 'string'));
      // Other unions (JSONSchemaPropsOrBool and friends) accept several JSON shapes: no type constrains them.
      return isIntOrString ? { $ref: componentRef(INT_OR_STRING) } : {};
    }
  }
}

/** Freezes a value and everything below it, so that a stray change to a shared value fails loudly. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
