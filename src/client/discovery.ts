/**
 * What the server serves: every resource of every group version, from the
 * legacy discovery documents (`/api`, `/api/v1`, `/apis`, `/apis/{g}/{v}`).
 * The result is cached; `refresh()` scans again — all groups, or the one
 * group whose CRD was created or deleted — and listeners hear what appeared,
 * vanished or changed, so resources created after start are served and
 * removed ones are dropped.
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

/** The server's resources, cached and refreshable. One per transport. */
export class Discovery {
  private cache?: Promise<Resource[]>;
  private readonly listeners = new Set<(change: DiscoveryChange) => void>();
  /** Refreshes run one at a time, so each one diffs against the result of the one before. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly transport: Transport) {}

  /** Every resource the server serves (scanned on first use, then cached). */
  resources(): Promise<Resource[]> {
    return this.cache ?? this.remember(this.serialized(() => this.scanAll()));
  }

  /**
   * Scans again — everything, or only `group` (after its CRD changed) — and
   * tells the listeners what changed. Resolves with all resources.
   */
  refresh(group?: string): Promise<Resource[]> {
    const previous = this.cache;
    return this.remember(
      this.serialized(async () => {
        const before = previous ? await previous.catch(() => undefined) : undefined;
        const after =
          group === undefined || group === '' || !before ? await this.scanAll() : [...before.filter((r) => r.group !== group), ...(await this.scanGroup(group))];
        if (before) this.notify(before, after);
        return after;
      }),
    );
  }

  /** Caches a scan; a failed one is forgotten, so the next call scans again. */
  private remember(scan: Promise<Resource[]>): Promise<Resource[]> {
    this.cache = scan;
    scan.catch(() => {
      if (this.cache === scan) this.cache = undefined;
    });
    return scan;
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
    const found = find(await this.resources()) ?? find(await this.refresh(group || undefined));
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
    const lists: Array<{ group: string; version: string; preferred: boolean }> = [
      ...core.versions.map((version, i) => ({ group: '', version, preferred: i === 0 })),
      ...groups.groups.flatMap((g) => this.versionsOf(g)),
    ];
    return this.fetchLists(lists);
  }

  private async scanGroup(group: string): Promise<Resource[]> {
    let entry: ApiGroupEntry;
    try {
      entry = await this.transport.request<ApiGroupEntry>({ method: 'GET', path: `/apis/${encodeURIComponent(group)}` });
    } catch (error) {
      if (isUnavailable(error)) return [];
      throw error;
    }
    return this.fetchLists(this.versionsOf(entry));
  }

  private versionsOf(group: ApiGroupEntry): Array<{ group: string; version: string; preferred: boolean }> {
    const preferred = group.preferredVersion?.version ?? group.versions[0]?.version;
    return group.versions.map((v) => ({ group: group.name, version: v.version, preferred: v.version === preferred }));
  }

  private async fetchLists(lists: Array<{ group: string; version: string; preferred: boolean }>): Promise<Resource[]> {
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
