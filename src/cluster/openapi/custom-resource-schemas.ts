/**
 * Component schemas of a custom resource: the kind, built from its CRD version's structural schema plus
 * the `apiVersion`, `kind` and `metadata` every object has, and its list kind. Names follow upstream:
 * the group reversed, then version and kind (`example.com`, `v1`, `Widget` → `com.example.v1.Widget`).
 */
import type { OpenApiResource } from './openapi-resource.ts';
import { OBJECT_META, componentRef } from './schema-types.ts';
import type { OpenApiSchema } from './schema-types.ts';
import { copyJson } from '../json-copy.ts';

const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const CONVENTIONS = 'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md';

const API_VERSION_PROPERTY: OpenApiSchema = {
  description: `APIVersion is the versioned schema of this representation of an object. More info: ${CONVENTIONS}#resources`,
  type: 'string',
};
const KIND_PROPERTY: OpenApiSchema = {
  description: `Kind is the REST resource this object represents, in CamelCase. More info: ${CONVENTIONS}#types-kinds`,
  type: 'string',
};
const METADATA_PROPERTY: OpenApiSchema = {
  allOf: [{ $ref: componentRef(OBJECT_META) }],
  description: `Standard object's metadata. More info: ${CONVENTIONS}#metadata`,
};

/** The upstream component name of a custom resource kind: `com.example.v1.Widget`. */
export function customResourceComponentName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

/** The kind and list-kind component schemas of a custom resource, by component name. */
export function customResourceSchemas(resource: OpenApiResource): Map<string, OpenApiSchema> {
  const { group, version, kind } = resource;
  const listKind = resource.listKind ?? `${kind}List`;
  const kindName = customResourceComponentName(group, version, kind);

  // A CRD without a schema keeps whatever it is sent.
  const schema: OpenApiSchema = resource.schema
    ? copyJson(resource.schema)
    : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  schema.properties = {
    ...schema.properties,
    apiVersion: API_VERSION_PROPERTY,
    kind: KIND_PROPERTY,
    metadata: METADATA_PROPERTY,
  };
  for (const property of Object.values(schema.properties)) addEmbeddedResourceFields(property);
  schema['x-kubernetes-group-version-kind'] = [{ group, version, kind }];

  const list: OpenApiSchema = {
    description: `${listKind} is a list of ${kind}`,
    type: 'object',
    properties: {
      apiVersion: API_VERSION_PROPERTY,
      items: {
        description: `List of ${resource.plural}. More info: ${CONVENTIONS}`,
        type: 'array',
        items: { $ref: componentRef(kindName) },
      },
      kind: KIND_PROPERTY,
      metadata: { allOf: [{ $ref: componentRef(LIST_META) }], description: `Standard list metadata. More info: ${CONVENTIONS}#types-kinds` },
    },
    required: ['items'],
    'x-kubernetes-group-version-kind': [{ group, version, kind: listKind }],
  };

  return new Map([
    [kindName, schema],
    [customResourceComponentName(group, version, listKind), list],
  ]);
}

/** Declares apiVersion, kind and metadata on every `x-kubernetes-embedded-resource` object below `node`. */
function addEmbeddedResourceFields(node: OpenApiSchema): void {
  for (const child of Object.values(node.properties ?? {})) addEmbeddedResourceFields(child);
  if (node.items) addEmbeddedResourceFields(node.items);
  if (typeof node.additionalProperties === 'object') addEmbeddedResourceFields(node.additionalProperties);
  if (node['x-kubernetes-embedded-resource'] !== true) return;
  node.properties = { ...node.properties, apiVersion: API_VERSION_PROPERTY, kind: KIND_PROPERTY, metadata: METADATA_PROPERTY };
  const required = node.required ?? [];
  node.required = [...required, ...['kind', 'apiVersion'].filter((name) => !required.includes(name))];
}
