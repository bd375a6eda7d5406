/**
 * What the OpenAPI documents need to know about one served resource. The server fills these from its
 * built-in resource table and from the established CRDs (using `status.acceptedNames`).
 */
import type { OpenApiSchema } from './schema-types.ts';

/** One resource of a group/version, as the OpenAPI documents describe it. */
export interface OpenApiResource {
  /** API group; `''` for the core group. */
  group: string;
  version: string;
  kind: string;
  /** The list kind; `<kind>List` when omitted. */
  listKind?: string;
  /** The resource name in URLs, e.g. `deployments`. */
  plural: string;
  namespaced: boolean;
  /**
   * Subresources served, e.g. `['status', 'scale']`. Described in the document: `status`, `scale`,
   * `ephemeralcontainers`, `resize`, `approval`, `eviction`, `binding` and `token`; streaming and proxy
   * subresources (`log`, `exec`, `attach`, `portforward`, `proxy`) carry no schema and are left out.
   */
  subresources: string[];
  /** Discovery verbs: `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`. */
  verbs: string[];
  /** For a custom resource, its version's `openAPIV3Schema`; built-ins leave it out and use the built-in schemas. */
  schema?: OpenApiSchema;
  /** A built-in resource (its schemas come from the built-in registry) rather than a custom resource. */
  builtin: boolean;
}
