import { compileCrdSchema } from './crd/schema-compiled.ts';
import { builtinSchemas } from './openapi/builtin-schemas.ts';
import { findUnknownFields, pruneUnknownFields } from './openapi/unknown-fields.ts';
import type { OpenApiSchema } from './openapi/schema-types.ts';
import type { KubeObject, ResourceType } from './resource-type.ts';
import type { SchemaSupport } from './state.ts';

/**
 * The schema steps of the write path: built-in kinds are checked against
 * the schemas read from `kubernetes-types`; custom resources against their
 * CRD's structural schema (pruning, defaulting, validation, apiserver-spec §9.3).
 */
export function createSchemaSupport(): SchemaSupport {
  const builtins = builtinSchemas();
  // Every write of a built-in prunes with its kind's schema: looked up once per resource.
  const kindSchemas = new WeakMap<ResourceType, OpenApiSchema | undefined>();
  const schemaOf = (type: ResourceType) => {
    if (!kindSchemas.has(type)) kindSchemas.set(type, builtins.schemaForKind(type.group, type.version, type.kind));
    return kindSchemas.get(type);
  };
  return {
    prune(type: ResourceType, obj: KubeObject) {
      if (type.schema) {
        const { value, unknownFields } = compileCrdSchema(type.schema).prune(obj);
        return { value: value as KubeObject, unknownFields };
      }
      const schema = schemaOf(type);
      if (!schema) return { value: obj, unknownFields: [] };
      const unknownFields = findUnknownFields(schema, obj, builtins.resolve);
      return { value: unknownFields.length ? pruneUnknownFields(schema, obj, builtins.resolve) : obj, unknownFields };
    },
    applyDefaults(type: ResourceType, obj: KubeObject) {
      return type.schema ? (compileCrdSchema(type.schema).applyDefaults(obj) as KubeObject) : obj;
    },
    validate(type: ResourceType, obj: KubeObject, old?: KubeObject) {
      return type.schema ? compileCrdSchema(type.schema).validate(obj, old) : [];
    },
  };
}
