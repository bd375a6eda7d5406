/**
 * Unknown fields: the fields of an object that its schema does not declare. Strict field validation
 * rejects them (`strict decoding error: unknown field "spec.foo"`), Warn and Ignore drop them, and CRD
 * pruning drops them too (apiserver-spec §2.3, §9.3). The same walk serves the built-in component schemas
 * (with `$ref`/`allOf`) and CRD structural schemas (plain nested `properties`).
 *
 * Rules, following upstream decoding and pruning:
 * - an object node accepts its `properties`; other keys go to `additionalProperties` when it is a schema
 *   (or are accepted when it is `true`), are accepted below `x-kubernetes-preserve-unknown-fields: true`,
 *   and are unknown otherwise, so `type: object` with nothing declared accepts no fields;
 * - a node with no `type` and no structure (`JSON`, IntOrString, an unresolvable `$ref`) accepts any value;
 * - the top-level object and every `x-kubernetes-embedded-resource` object keep `apiVersion` and `kind`,
 *   and their `metadata` is checked against ObjectMeta whatever the schema says about it.
 * Paths are printed as upstream does: keys joined with dots, list items as `[index]`
 * (`spec.containers[0].foo`), map keys as they are (`metadata.labels.app`).
 */
import { builtinSchemas } from './builtin-schemas.ts';
import { OBJECT_META, componentRef } from './schema-types.ts';
import type { OpenApiSchema, SchemaResolver } from './schema-types.ts';
import { copyJson } from '../json-copy.ts';

/**
 * The dotted paths of the fields in `value` (a whole object: apiVersion, kind, metadata, ...) that
 * `schema` does not declare, in document order. `resolve` looks up `$ref`s and ObjectMeta; it defaults
 * to the built-in schemas, which is right for built-in kinds and CRD schemas alike.
 */
export function findUnknownFields(
  schema: OpenApiSchema,
  value: unknown,
  resolve: SchemaResolver = builtinSchemas().resolve,
): string[] {
  const unknown: string[] = [];
  visit(schema, value, '', { shapes: shapesFor(resolve), unknown, copy: false }, true);
  return unknown;
}

/** A deep copy of `value` without the fields that `findUnknownFields` reports. */
export function pruneUnknownFields<T>(schema: OpenApiSchema, value: T, resolve: SchemaResolver = builtinSchemas().resolve): T {
  return visit(schema, value, '', { shapes: shapesFor(resolve), unknown: [], copy: true }, true) as T;
}

interface Walk {
  shapes: ShapeCache;
  unknown: string[];
  /** Build the pruned copy; when false the walk only collects the unknown paths and copies nothing. */
  copy: boolean;
}

/** What a schema node says about the shape of its value, with `$ref` and `allOf` folded in. */
interface Shape {
  /** The first `type` found, if any. */
  type?: string;
  properties: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  preservesUnknown: boolean;
  embeddedResource: boolean;
  /** No type and no structure: nothing below is checked. */
  anyValue: boolean;
}

/** The folded shape of each schema node met so far, for one resolver. */
interface ShapeCache {
  resolve: SchemaResolver;
  byNode: WeakMap<OpenApiSchema, Shape>;
}

// Every write of a built-in walks the same few schema nodes, so each node is folded once per resolver.
// Schemas are not changed once built (the built-in ones are frozen), which makes identity a safe key.
const shapeCaches = new WeakMap<SchemaResolver, ShapeCache>();

function shapesFor(resolve: SchemaResolver): ShapeCache {
  let cache = shapeCaches.get(resolve);
  if (!cache) shapeCaches.set(resolve, (cache = { resolve, byNode: new WeakMap() }));
  return cache;
}

function cachedShape(schema: OpenApiSchema, cache: ShapeCache): Shape {
  let shape = cache.byNode.get(schema);
  if (!shape) cache.byNode.set(schema, (shape = shapeOf(schema, cache.resolve)));
  return shape;
}

function visit(schema: OpenApiSchema, value: unknown, path: string, walk: Walk, isResource: boolean): unknown {
  if (value === null || typeof value !== 'object') return value;
  const shape = cachedShape(schema, walk.shapes);
  // A value of the wrong JSON type is for type validation to report; it has no fields to judge here.
  const mismatched = shape.type !== undefined && shape.type !== (Array.isArray(value) ? 'array' : 'object');
  if (shape.anyValue || mismatched) return copyOf(value, walk);

  if (Array.isArray(value)) {
    const items = shape.items;
    if (items === undefined) return copyOf(value, walk);
    const kept = walk.copy ? new Array<unknown>(value.length) : undefined;
    for (let index = 0; index < value.length; index++) {
      const item = visit(items, value[index], `${path}[${index}]`, walk, false);
      if (kept) kept[index] = item;
    }
    return kept ?? value;
  }

  const resource = isResource || shape.embeddedResource;
  const kept: Record<string, unknown> | undefined = walk.copy ? {} : undefined;
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    // Only own properties: `constructor` or `__proto__` in the data must not match Object.prototype's.
    const declared = Object.hasOwn(shape.properties, key) ? shape.properties[key] : undefined;
    const childSchema = resource ? resourceFieldSchema(key, declared) : declared;
    const below = childSchema ?? (typeof shape.additionalProperties === 'object' ? shape.additionalProperties : undefined);
    if (below !== undefined) {
      // Scalars have no fields below them: their path is only built for containers.
      const walked = child !== null && typeof child === 'object' ? visit(below, child, childPath(path, key), walk, false) : child;
      if (kept) keep(kept, key, walked);
    } else if (shape.additionalProperties === true || shape.preservesUnknown) {
      if (kept) keep(kept, key, copyJson(child));
    } else {
      walk.unknown.push(childPath(path, key));
    }
  }
  return kept ?? value;
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** A subtree kept whole: copied when the walk builds a copy, passed through when it only looks. */
function copyOf(value: unknown, walk: Walk): unknown {
  return walk.copy ? copyJson(value) : value;
}

/** Sets a key as a plain data property, so that a `__proto__` key in the input stays a key. */
function keep(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const STRING_SCHEMA: OpenApiSchema = { type: 'string' };
const OBJECT_META_SCHEMA: OpenApiSchema = { $ref: componentRef(OBJECT_META) };

/**
 * The schema of a field of an object: `apiVersion`, `kind` and `metadata` exist on every object, and
 * a plain CRD schema cannot narrow `metadata`. A built-in's own reference is kept (a List's ListMeta).
 */
function resourceFieldSchema(key: string, declared: OpenApiSchema | undefined): OpenApiSchema | undefined {
  const isReference = declared?.$ref !== undefined || declared?.allOf !== undefined;
  if (isReference) return declared;
  if (key === 'apiVersion' || key === 'kind') return declared ?? STRING_SCHEMA;
  if (key === 'metadata') return OBJECT_META_SCHEMA;
  return declared;
}

function shapeOf(schema: OpenApiSchema, resolve: SchemaResolver): Shape {
  const shape: Shape = { properties: {}, preservesUnknown: false, embeddedResource: false, anyValue: false };
  let unresolved = false;
  const seen = new Set<OpenApiSchema>();

  const fold = (node: OpenApiSchema): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.type !== undefined) shape.type ??= node.type;
    if (node.properties) shape.properties = { ...node.properties, ...shape.properties };
    if (node.additionalProperties !== undefined) shape.additionalProperties ??= node.additionalProperties;
    if (node.items !== undefined) shape.items ??= node.items;
    if (node['x-kubernetes-preserve-unknown-fields'] === true) shape.preservesUnknown = true;
    if (node['x-kubernetes-embedded-resource'] === true) shape.embeddedResource = true;
    if (node.$ref !== undefined) {
      const target = resolve(node.$ref);
      if (target) fold(target);
      else unresolved = true;
    }
    for (const part of node.allOf ?? []) fold(part);
  };
  fold(schema);

  const structured =
    Object.keys(shape.properties).length > 0 || shape.additionalProperties !== undefined || shape.items !== undefined;
  shape.anyValue = unresolved || (shape.type === undefined && !structured && !shape.preservesUnknown && !shape.embeddedResource);
  return shape;
}
