import type { FieldError } from '../errors.ts';
import { ajvValidator } from './schema-ajv.ts';
import { applySchemaDefaults } from './schema-defaults.ts';
import { embeddedResourceErrors } from './schema-embedded.ts';
import { listTypeErrors } from './schema-list-type.ts';
import type { SchemaNode } from './schema-node.ts';
import { pruneUnknownFields, type PruneResult } from './schema-prune.ts';
import { ratchetErrors } from './schema-ratchet.ts';
import { schemaErrors } from './schema-validate.ts';

/**
 * One CRD version's structural schema, ready to apply to custom resources
 * (apiserver-spec §9.3). Upstream's order inside a write is: prune, default,
 * (mutating webhooks), validate.
 */
export interface CompiledSchema {
  /**
   * A copy without the fields the schema does not declare, and their dotted
   * paths (`spec.junk`, `spec.items[0].x`, `metadata.junk`): fieldValidation
   * Strict refuses the write with them (`unknown field "spec.junk"`), Warn
   * sends them as warnings, Ignore drops them silently.
   */
  prune(obj: unknown): PruneResult;
  /** A copy with the schema's defaults filled in and undefaultable non-nullable nulls dropped. */
  applyDefaults(obj: unknown): unknown;
  /**
   * Every schema error of the object, in upstream's messages. With `old` (an
   * update), errors in parts that did not change from `old` are dropped.
   * `x-kubernetes-validations` (CEL) rules are not evaluated.
   */
  validate(obj: unknown, old?: unknown): FieldError[];
}

const cache = new WeakMap<object, CompiledSchema>();

/**
 * Compiles a CRD version's `openAPIV3Schema`, once per schema object. The
 * schema is expected to have passed `checkStructuralSchema`.
 */
export function compileCrdSchema(openAPIV3Schema: Record<string, unknown>): CompiledSchema {
  const cached = cache.get(openAPIV3Schema);
  if (cached) return cached;
  const root = openAPIV3Schema as SchemaNode;
  // Compile now, so a schema Ajv cannot handle fails here rather than on the first write.
  ajvValidator(root);
  const compiled: CompiledSchema = {
    prune: (obj) => pruneUnknownFields(obj, root),
    applyDefaults: (obj) => applySchemaDefaults(obj, root),
    validate(obj, old) {
      const located = schemaErrors(root, obj);
      const kept = old === undefined ? located : ratchetErrors(located, obj, old, root);
      // A list already holding duplicates before the update is not checked again, as upstream does.
      const listErrors = old !== undefined && listTypeErrors(old, root).length > 0 ? [] : listTypeErrors(obj, root);
      return [...kept.map((entry) => entry.error), ...embeddedResourceErrors(obj, root), ...listErrors];
    },
  };
  cache.set(openAPIV3Schema, compiled);
  return compiled;
}
