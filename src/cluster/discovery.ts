import { createHash } from 'node:crypto';
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

/** The order kube-apiserver 1.32 lists its built-in groups in; custom resource groups follow. */
const builtinGroupOrder = [
  '',
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'flowcontrol.apiserver.k8s.io',
];

/** Discovery's groups in upstream's order: the built-in priority list, then the others as the registry has them. */
function orderedGroups(registry: ResourceRegistry): Array<{ group: string; versions: GroupVersion[] }> {
  const rank = (group: string) => {
    const i = builtinGroupOrder.indexOf(group);
    return i < 0 ? builtinGroupOrder.length : i;
  };
  return registry
    .discoveryGroups()
    .map((g, i) => ({ g, i }))
    .sort((a, b) => rank(a.g.group) - rank(b.g.group) || a.i - b.i)
    .map(({ g }) => g);
}

/**
 * `storageVersionHash`: an opaque token that changes when a resource's
 * storage version does; upstream derives it from `<group>/<version>/<kind>`.
 */
function storageVersionHash(type: ResourceType): string | undefined {
  if (type.ephemeral) return undefined;
  // A resource kept in another's storage (events.k8s.io Events) reports that storage's group.
  const group = type.sharedStorage ? type.sharedStorage.bucket.split('/')[0] : type.group;
  const version = legacyStorageVersions[`${group}/${type.plural}`] ?? type.storageVersion;
  return createHash('sha256').update(`${group}/${version}/${type.kind}`).digest().subarray(0, 8).toString('base64');
}

/** Built-ins that kube-apiserver 1.32 still stores at an older version than it serves. */
const legacyStorageVersions: Record<string, string> = { 'apiextensions.k8s.io/customresourcedefinitions': 'v1beta1' };

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
    groups: orderedGroups(registry)
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
    const hash = storageVersionHash(type);
    resources.push({
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: sortedVerbs(type.verbs, type.builtin),
      ...(type.shortNames.length ? { shortNames: type.shortNames } : {}),
      ...(type.categories.length ? { categories: type.categories } : {}),
      ...(hash ? { storageVersionHash: hash } : {}),
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
  // Built-ins leave group and version of a kind in their own group-version empty; custom resources spell them out.
  const ownKind = (kind: string) => (type.builtin ? { group: '', version: '', kind } : { group: type.group, version: type.version, kind });
  return {
    resource: type.plural,
    responseKind: ownKind(type.kind),
    scope: type.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: type.singular,
    verbs: sortedVerbs(type.verbs, type.builtin),
    ...(type.shortNames.length ? { shortNames: type.shortNames } : {}),
    ...(type.categories.length ? { categories: type.categories } : {}),
    ...(subresourcesOf(type).length
      ? {
          subresources: subresourcesOf(type).map((sub) => ({
            subresource: sub.name,
            responseKind: sub.group !== undefined ? { group: sub.group, version: sub.version!, kind: sub.kind } : ownKind(sub.kind),
            verbs: sub.verbs,
          })),
        }
      : {}),
  };
}

/** Aggregated discovery for `/api` (core only) or `/apis` (every other group). */
export function aggregatedDiscovery(registry: ResourceRegistry, core: boolean): object {
  const groups = orderedGroups(registry).filter((g) => (core ? g.group === '' : g.group !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => ({
      // Go serializes the zero ObjectMeta of each group with a null creationTimestamp.
      metadata: g.group ? { name: g.group, creationTimestamp: null } : { creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v.version,
        resources: v.resources.map(aggregatedResource),
        freshness: 'Current',
      })),
    })),
  };
}
