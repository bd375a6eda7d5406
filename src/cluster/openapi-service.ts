import { openApiV3Document, openApiV3Index, openApiV3Path, openApiV3ServerDocument, type OpenApiDocument, type OpenApiResource } from './openapi/documents.ts';
import type { ResourceRegistry } from './resource-registry.ts';
import type { ResourceType } from './resource-type.ts';

function toOpenApiResource(type: ResourceType): OpenApiResource {
  return {
    group: type.group,
    version: type.version,
    kind: type.kind,
    listKind: type.listKind,
    plural: type.plural,
    namespaced: type.namespaced,
    subresources: [...(type.status ? ['status'] : []), ...(type.scale ? ['scale'] : []), ...type.extraSubresources],
    verbs: type.verbs,
    schema: type.schema,
    builtin: type.builtin,
  };
}

/**
 * `/openapi/v3` over what the server currently lists in discovery: the index
 * and the per-group-version documents, rebuilt when CRDs change.
 */
export class OpenApiService {
  constructor(private readonly registry: ResourceRegistry) {}

  private groupVersions() {
    return this.registry.discoveryGroups().flatMap((g) =>
      g.versions.map((v) => ({ group: v.group, version: v.version, resources: v.resources.map(toOpenApiResource) })),
    );
  }

  index(): object {
    const builtinGroups = this.registry.discoveryGroups().map((g) => g.group).filter((g) => this.registry.isBuiltinGroup(g));
    return openApiV3Index(this.groupVersions(), builtinGroups);
  }

  /** The document at an index path (`api/v1`, `apis/apps/v1`, `version` …), or undefined. */
  document(path: string): OpenApiDocument | undefined {
    const gv = this.groupVersions().find((g) => openApiV3Path(g.group, g.version) === path);
    if (gv) return openApiV3Document(gv.group, gv.version, gv.resources);
    return openApiV3ServerDocument(path);
  }
}
