import type { GroupVersion, ResourceRegistry } from './resource-registry.ts';
import type { ResourceType } from './resource-type.ts';

/** The Content-Type of aggregated discovery that client-go keys on (apiserver-spec §1.3). */
export const aggregatedContentType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** True when the Accept header asks for aggregated discovery (v2). */
export function wantsAggregated(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('g=apidiscovery.k8s.io') && params.includes('v=v2') && params.includes('as=APIGroupDiscoveryList');
  });
}

const sortedVerbs = (verbs: string[], builtin: boolean) => (builtin ? [...verbs].sort() : verbs);

/** Subresources of a type, in discovery's order: sorted for built-ins; status then scale for CRs (§1.3). */
function subresourcesOf(type: ResourceType): Array<{ name: string; kind: string; group?: string; version?: string; verbs: string[] }> {
  const subs: Array<{ name: string; kind: string; group?: string; version?: string; verbs: string[] }> = [];
  if (type.status) subs.push({ name: 'status', kind: type.kind, verbs: ['get', 'patch', 'update'] });
  if (type.scale) subs.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
  for (const name of type.extraSubresources) {
    const special: Record<string, { kind: string; group?: string; version?: string; verbs: string[] }> = {
      log: { kind: 'Pod', verbs: ['get'] },
      eviction: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      binding: { kind: 'Binding', verbs: ['create'] },
      finalize: { kind: 'Namespace', verbs: ['update'] },
      token: { kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] },
      proxy: { kind: `${type.kind}ProxyOptions`, verbs: ['create', 'delete', 'get', 'patch', 'update'] },
    };
    subs.push({ name, ...(special[name] ?? { kind: type.kind, verbs: ['get'] }) });
  }
  return type.builtin ? subs.sort((a, b) => (a.name < b.name ? -1 : 1)) : subs;
}

function groupVersionString(gv: { group: string; version: string }): string {
  return gv.group ? `${gv.group}/${gv.version}` : gv.version;
}

/** `/api` in the legacy form. */
export function legacyApiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(group: string, versions: GroupVersion[]): object {
  const list = versions.map((v) => ({ groupVersion: groupVersionString(v), version: v.version }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

/** `/apis` in the legacy form. */
export function legacyGroupList(registry: ResourceRegistry): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry
      .discoveryGroups()
      .filter((g) => g.group !== '')
      .map((g) => apiGroup(g.group, g.versions)),
  };
}

/** `/apis/{group}`. */
export function legacyGroup(registry: ResourceRegistry, group: string): object | undefined {
  const found = registry.discoveryGroups().find((g) => g.group === group && group !== '');
  return found && { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(found.group, found.versions) };
}

/** `/api/v1` and `/apis/{group}/{version}`: an APIResourceList with subresources as `plural/sub` entries. */
export function legacyResourceList(registry: ResourceRegistry, group: string, version: string): object | undefined {
  const gv = registry.discoveryGroups().find((g) => g.group === group)?.versions.find((v) => v.version === version);
  if (!gv) return undefined;
  const resources: object[] = [];
  for (const type of gv.resources) {
    resources.push({
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: sortedVerbs(type.verbs, type.builtin),
      ...(type.shortNames.length ? { shortNames: type.shortNames } : {}),
      ...(type.categories.length ? { categories: type.categories } : {}),
    });
    for (const sub of subresourcesOf(type)) {
      resources.push({
        name: `${type.plural}/${sub.name}`,
        singularName: '',
        namespaced: type.namespaced,
        ...(sub.group !== undefined ? { group: sub.group, version: sub.version } : {}),
        kind: sub.kind,
        verbs: sub.verbs,
      });
    }
  }
  if (type_sortNeeded(gv)) resources.sort((a, b) => ((a as { name: string }).name < (b as { name: string }).name ? -1 : 1));
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersionString(gv), resources };
}

/** Built-in groups list their entries sorted by name (so `deployments/scale` precedes `deployments/status`). */
function type_sortNeeded(gv: GroupVersion): boolean {
  return gv.resources.every((t) => t.builtin);
}

function aggregatedResource(type: ResourceType): object {
  return {
    resource: type.plural,
    responseKind: { group: type.group, version: type.version, kind: type.kind },
    scope: type.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: type.singular,
    verbs: sortedVerbs(type.verbs, type.builtin),
    ...(type.shortNames.length ? { shortNames: type.shortNames } : {}),
    ...(type.categories.length ? { categories: type.categories } : {}),
    ...(subresourcesOf(type).length
      ? {
          subresources: subresourcesOf(type).map((sub) => ({
            subresource: sub.name,
            responseKind: { group: sub.group ?? type.group, version: sub.version ?? type.version, kind: sub.kind },
            verbs: sub.verbs,
          })),
        }
      : {}),
  };
}

/** Aggregated discovery for `/api` (core only) or `/apis` (every other group). */
export function aggregatedDiscovery(registry: ResourceRegistry, core: boolean): object {
  const groups = registry.discoveryGroups().filter((g) => (core ? g.group === '' : g.group !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => ({
      metadata: g.group ? { name: g.group } : {},
      versions: g.versions.map((v) => ({
        version: v.version,
        resources: v.resources.map(aggregatedResource),
        freshness: 'Current',
      })),
    })),
  };
}
