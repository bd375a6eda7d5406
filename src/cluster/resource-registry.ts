import { coreTypes } from './builtins/core.ts';
import { otherTypes } from './builtins/others.ts';
import { workloadTypes } from './builtins/workloads.ts';
import { crdResourceType, isEstablished, isServed, resourceTypesOfCrd } from './crd/crd-type.ts';
import type { KubeObject, ResourceType } from './resource-type.ts';

/** A group-version as discovery lists it, with its resources. */
export interface GroupVersion {
  group: string;
  version: string;
  resources: ResourceType[];
}

/** Kubernetes' version priority: GA before beta before alpha, higher numbers first (§9.2). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0, v] as const;
    return [1, m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, Number(m[1]) * 1000 + Number(m[3] ?? 0), v] as const;
  };
  const [ka, sa, na, ta] = parse(a);
  const [kb, sb, nb, tb] = parse(b);
  if (ka !== kb) return kb - ka;
  if (ka === 0) return ta < tb ? -1 : ta > tb ? 1 : 0;
  if (sa !== sb) return sb - sa;
  return nb - na;
}

/**
 * What the server serves: the built-in kinds and, as CRDs come and go, the
 * custom ones. Lookups by URL parts are what every request starts with.
 */
export class ResourceRegistry {
  private readonly builtins: ResourceType[];
  /** CRD name → its served resource types (NamesAccepted or Established). */
  private readonly crdTypes = new Map<string, ResourceType[]>();
  /** CRD names whose types are listed in discovery (Established). */
  private readonly established = new Set<string>();
  private index = new Map<string, ResourceType>();
  private version = 0;

  constructor() {
    this.builtins = [...coreTypes(), ...workloadTypes(), crdResourceType, ...otherTypes()];
    this.rebuild();
  }

  /** Changes whenever the served set changes; caches (discovery, OpenAPI) key on it. */
  get generation(): number {
    return this.version;
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.index.get(`${group}/${version}/${plural}`);
  }

  /** Every version served for a storage bucket's resource (a CRD's versions share one bucket). */
  versionsOf(group: string, plural: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.plural === plural);
  }

  /** All served resource types. */
  all(): ResourceType[] {
    return [...this.index.values()];
  }

  /** Whether a group-version exists at all (for 404 flavours). */
  hasGroupVersion(group: string, version: string): boolean {
    return this.all().some((t) => t.group === group && t.version === version);
  }

  /** Group-versions for discovery: built-ins, then Established CRDs, each group's versions by priority. */
  discoveryGroups(): Array<{ group: string; versions: GroupVersion[] }> {
    const groups = new Map<string, Map<string, ResourceType[]>>();
    const add = (t: ResourceType) => {
      let versions = groups.get(t.group);
      if (!versions) groups.set(t.group, (versions = new Map()));
      let list = versions.get(t.version);
      if (!list) versions.set(t.version, (list = []));
      list.push(t);
    };
    this.builtins.forEach(add);
    for (const name of [...this.established].sort()) this.crdTypes.get(name)?.forEach(add);
    return [...groups.entries()].map(([group, versions]) => ({
      group,
      versions: [...versions.entries()]
        .sort(([a], [b]) => compareVersions(a, b))
        .map(([version, resources]) => ({ group, version, resources: [...resources].sort((a, b) => (a.plural < b.plural ? -1 : 1)) })),
    }));
  }

  isBuiltinGroup(group: string): boolean {
    return this.builtins.some((t) => t.group === group);
  }

  /** Re-reads one CRD's state: serves, lists or drops its resources. */
  syncCrd(crd: KubeObject | undefined, name: string): void {
    if (crd && isServed(crd)) this.crdTypes.set(name, resourceTypesOfCrd(crd));
    else this.crdTypes.delete(name);
    if (crd && isEstablished(crd)) this.established.add(name);
    else this.established.delete(name);
    this.rebuild();
  }

  private rebuild(): void {
    const index = new Map<string, ResourceType>();
    for (const t of this.builtins) index.set(`${t.group}/${t.version}/${t.plural}`, t);
    for (const types of this.crdTypes.values()) for (const t of types) index.set(`${t.group}/${t.version}/${t.plural}`, t);
    this.index = index;
    this.version++;
  }
}
