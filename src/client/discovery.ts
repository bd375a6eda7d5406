/**
 * What the server serves: every resource of every group version, from the
 * legacy discovery documents (`/api`, `/api/v1`, `/apis`, `/apis/{g}/{v}`) —
 * or of some groups only, when the caller needs no more. The result is
 * cached; `refresh()` scans again — what was scanned, or the one group whose
 * CRD was created or deleted — and listeners hear what appeared, vanished or
 * changed, so resources created after start are served and removed ones are
 * dropped.
 */
import { ResourceSelector, type Resource, type SelectorArgument, UnknownResourceError } from '../core/resource-selector.ts';
import { NotFoundError, ServerError } from './errors.ts';
import type { Transport } from './transport.ts';

/** What one refresh changed. */
export interface DiscoveryChange {
  added: Resource[];
  removed: Resource[];
  /** Same group, version and plural, other details (names, verbs, scope, preferred version). */
  changed: Resource[];
}

interface ApiResourceEntry {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}

interface ApiGroupEntry {
  name: string;
  versions: Array<{ version: string }>;
  preferredVersion?: { version: string };
}

// Group versions are fetched a few at a time: a cluster has dozens, and one connection each would be wasteful.
const concurrency = 8;

function resourceKey(r: Pick<Resource, 'group' | 'version' | 'plural'>): string {
  return `${r.plural}.${r.version}.${r.group}`;
}

/** Turns one `APIResourceList` into resources, folding `plural/sub` entries into their parent's `subresources`. */
function resourcesOfList(group: string, version: string, preferred: boolean, entries: readonly ApiResourceEntry[]): Resource[] {
  const byPlural = new Map<string, Resource>();
  for (const entry of entries) {
    if (entry.name.includes('/')) continue;
    byPlural.set(entry.name, {
      group,
      version,
      plural: entry.name,
      kind: entry.kind,
      singular: entry.singularName || entry.kind.toLowerCase(),
      shortNames: entry.shortNames ?? [],
      categories: entry.categories ?? [],
      subresources: [],
      namespaced: entry.namespaced,
      preferred,
      verbs: entry.verbs ?? [],
    });
  }
  for (const entry of entries) {
    const [plural, ...sub] = entry.name.split('/');
    if (sub.length) byPlural.get(plural)?.subresources.push(sub.join('/'));
  }
  return [...byPlural.values()];
}

/** Group versions that vanished or whose aggregated server is down are skipped, as Kopf does. */
function isUnavailable(error: unknown): boolean {
  return error instanceof NotFoundError || (error instanceof ServerError && error.code === 503);
}

/** What the cache holds: the resources of the groups scanned so far, or of all of them. */
interface Known {
  readonly resources: Resource[];
  readonly groups: ReadonlySet<string> | 'all';
}

// A group version to fetch the resources of.
interface GroupVersion {
  group: string;
  version: string;
  preferred: boolean;
}

function covers(known: Known, groups: ReadonlySet<string> | undefined): boolean {
  if (known.groups === 'all') return true;
  const scanned = known.groups;
  return groups !== undefined && [...groups].every((group) => scanned.has(group));
}

function ofGroups(resources: Resource[], groups: ReadonlySet<string> | undefined): Resource[] {
  return groups === undefined ? resources : resources.filter((r) => groups.has(r.group));
}

/** The server's resources, cached and refreshable. One per transport. */
export class Discovery {
  private known?: Promise<Known>;
  private readonly listeners = new Set<(change: DiscoveryChange) => void>();
  /** Scans run one at a time, so each one builds on the result of the one before. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly transport: Transport) {}

  /**
   * Every resource the server serves, or only those of `groups` (the core group is `''`): an operator
   * scans just the groups its handlers need, which on a large cluster spares most of the requests.
   * Scanned on first use, then cached: a full scan answers any later call, and a filtered call scans
   * only the groups not scanned yet.
   */
  async resources(groups?: ReadonlySet<string>): Promise<Resource[]> {
    const known = this.known && (await this.known.catch(() => undefined));
    if (known && covers(known, groups)) return ofGroups(known.resources, groups);
    return ofGroups((await this.extend(groups)).resources, groups);
  }

  /**
   * Scans again — everything scanned so far, or only `group` (after its CRD changed; `''` is the core
   * group; scanned for the first time if it never was) — and tells the listeners what changed. With
   * nothing scanned before, scans everything. Resolves with every resource known.
   */
  async refresh(group?: string): Promise<Resource[]> {
    const known = await this.update(async (before) => {
      if (!before) return { resources: await this.scanAll(), groups: 'all' };
      let after: Known;
      if (group === undefined) {
        after = before.groups === 'all' ? { resources: await this.scanAll(), groups: 'all' } : { resources: await this.scanGroups(before.groups), groups: before.groups };
      } else {
        const resources = [...before.resources.filter((r) => r.group !== group), ...(await this.scanGroups([group]))];
        after = { resources, groups: before.groups === 'all' ? 'all' : new Set([...before.groups, group]) };
      }
      this.notify(before.resources, after.resources);
      return after;
    });
    return known.resources;
  }

  /** Scans the groups `groups` needs that are not known yet (all of them when undefined), keeping what is. */
  private extend(groups: ReadonlySet<string> | undefined): Promise<Known> {
    return this.update(async (before) => {
      if (before && covers(before, groups)) return before;
      if (groups === undefined) return { resources: await this.scanAll(), groups: 'all' };
      const scanned = before?.groups instanceof Set ? before.groups : new Set<string>();
      const missing = [...groups].filter((group) => !scanned.has(group));
      return { resources: [...(before?.resources ?? []), ...(await this.scanGroups(missing))], groups: new Set([...scanned, ...missing]) };
    });
  }

  /**
   * Runs a scan after the ones before it, from what they left, and caches its result. A failed scan
   * leaves the cache as it was.
   */
  private update(scan: (before: Known | undefined) => Promise<Known>): Promise<Known> {
    const previous = this.known;
    const run = this.serialized(async () => scan(previous && (await previous.catch(() => undefined))));
    this.known = run;
    run.catch(() => {
      if (this.known === run) this.known = previous;
    });
    return run;
  }

  /** Listens to changes found by `refresh()`; returns the function that stops listening. */
  onChange(listener: (change: DiscoveryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The one resource a selector by name means (see `ResourceSelector.resolve`).
   * An unknown name triggers one refresh first: its CRD may be new.
   */
  async resolve(...selector: SelectorArgument[]): Promise<Resource> {
    const parsed = ResourceSelector.of(...selector);
    try {
      return parsed.resolve(await this.resources());
    } catch (error) {
      if (!(error instanceof UnknownResourceError)) throw error;
      return parsed.resolve(await this.refresh());
    }
  }

  /** Every resource a selector matches (categories, EVERYTHING, predicates may match many). */
  async select(...selector: SelectorArgument[]): Promise<Resource[]> {
    return ResourceSelector.of(...selector).select(await this.resources());
  }

  /** The resource of objects with this apiVersion and kind, refreshing once if it is not known yet. */
  async forKind(apiVersion: string, kind: string): Promise<Resource> {
    const slash = apiVersion.lastIndexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = apiVersion.slice(slash + 1);
    const find = (all: Resource[]) => all.find((r) => r.group === group && r.version === version && r.kind === kind);
    const found = find(await this.resources(new Set([group]))) ?? find(await this.refresh(group));
    if (found) return found;
    const selector = ResourceSelector.of({ group, version, kind });
    throw new UnknownResourceError(selector, (await this.resources()).filter((r) => r.kind.toLowerCase() === kind.toLowerCase()));
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private notify(before: Resource[], after: Resource[]): void {
    const old = new Map(before.map((r) => [resourceKey(r), r]));
    const now = new Map(after.map((r) => [resourceKey(r), r]));
    const change: DiscoveryChange = {
      added: after.filter((r) => !old.has(resourceKey(r))),
      removed: before.filter((r) => !now.has(resourceKey(r))),
      changed: after.filter((r) => {
        const previous = old.get(resourceKey(r));
        return previous !== undefined && JSON.stringify(previous) !== JSON.stringify(r);
      }),
    };
    if (!change.added.length && !change.removed.length && !change.changed.length) return;
    for (const listener of [...this.listeners]) listener(change);
  }

  private async scanAll(): Promise<Resource[]> {
    const [core, groups] = await Promise.all([
      this.transport.request<{ versions: string[] }>({ method: 'GET', path: '/api' }),
      this.transport.request<{ groups: ApiGroupEntry[] }>({ method: 'GET', path: '/apis' }),
    ]);
    return this.fetchLists([...this.coreVersions(core.versions), ...groups.groups.flatMap((g) => this.versionsOf(g))]);
  }

  /** The resources of some groups only: `/api` for the core group, `/apis/{group}` for the others. */
  private async scanGroups(groups: Iterable<string>): Promise<Resource[]> {
    const versions = await Promise.all([...groups].map((group) => this.groupVersions(group)));
    return this.fetchLists(versions.flat());
  }

  private async groupVersions(group: string): Promise<GroupVersion[]> {
    if (group === '') {
      const core = await this.transport.request<{ versions: string[] }>({ method: 'GET', path: '/api' });
      return this.coreVersions(core.versions);
    }
    try {
      return this.versionsOf(await this.transport.request<ApiGroupEntry>({ method: 'GET', path: `/apis/${encodeURIComponent(group)}` }));
    } catch (error) {
      // A group nobody serves (yet): its CRD may come later, and a refresh of the group will find it.
      if (isUnavailable(error)) return [];
      throw error;
    }
  }

  private coreVersions(versions: string[]): GroupVersion[] {
    return versions.map((version, i) => ({ group: '', version, preferred: i === 0 }));
  }

  private versionsOf(group: ApiGroupEntry): GroupVersion[] {
    const preferred = group.preferredVersion?.version ?? group.versions[0]?.version;
    return group.versions.map((v) => ({ group: group.name, version: v.version, preferred: v.version === preferred }));
  }

  private async fetchLists(lists: GroupVersion[]): Promise<Resource[]> {
    const results: Resource[][] = new Array(lists.length);
    let next = 0;
    const worker = async () => {
      while (next < lists.length) {
        const index = next++;
        const { group, version, preferred } = lists[index];
        const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
        try {
          const list = await this.transport.request<{ resources: ApiResourceEntry[] }>({ method: 'GET', path });
          results[index] = resourcesOfList(group, version, preferred, list.resources ?? []);
        } catch (error) {
          if (!isUnavailable(error)) throw error;
          results[index] = [];
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, lists.length) }, worker));
    return results.flat();
  }
}
