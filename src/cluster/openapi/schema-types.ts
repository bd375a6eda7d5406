/**
 * The shape of the OpenAPI v3 schemas this folder produces and consumes: the subset of JSON Schema
 * that Kubernetes publishes (and accepts in CRD structural schemas), plus its `x-kubernetes-*` extensions.
 */

/** One OpenAPI v3 schema node. Unlisted keywords (validations, CRD extras) pass through untouched. */
export interface OpenApiSchema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  items?: OpenApiSchema;
  additionalProperties?: OpenApiSchema | boolean;
  $ref?: string;
  allOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [keyword: string]: unknown;
}

/** A group/version/kind triple as it appears in `x-kubernetes-group-version-kind`. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** Looks up the schema a `$ref` (`#/components/schemas/<name>`) points at; undefined when unknown. */
export type SchemaResolver = (ref: string) => OpenApiSchema | undefined;

/** The prefix every component reference in an OpenAPI v3 document starts with. */
export const COMPONENT_REF_PREFIX = '#/components/schemas/';

/** The `$ref` value that points at the named component schema. */
export function componentRef(name: string): string {
  return COMPONENT_REF_PREFIX + name;
}

/** The component name a `$ref` points at, or undefined for references outside `components.schemas`. */
export function componentNameOf(ref: string): string | undefined {
  return ref.startsWith(COMPONENT_REF_PREFIX) ? ref.slice(COMPONENT_REF_PREFIX.length) : undefined;
}

/** Component name of ObjectMeta, whose fields are the known ones of every object's `metadata`. */
export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
