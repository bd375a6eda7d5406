/**
 * Which discovered resources the operator serves, from its handlers' selectors (Kopf's "insights"):
 * watched resources (changing, event, index, daemon, timer handlers), indexed ones, and those of
 * admission webhooks. A selector by one name that matches several resources is ambiguous and serves
 * none of them; resources that cannot be listed and watched are not served; resources that cannot be
 * patched are not served when handlers that store state (changing, daemons, timers) need them.
 * The problems are returned for the engine to log, not logged here.
 */
import type { Resource, ResourceSelector } from '../core/resource-selector.ts';
import { resourceId } from '../core/resource-selector.ts';

/** The selectors of the registry's handlers, by what the engine does with the resources they match. */
export interface InterestSelectors {
  /** Watched: every resource handler but webhooks. */
  watched: readonly ResourceSelector[];
  /** Watched and patched with state: changing handlers, daemons, timers. */
  patched: readonly ResourceSelector[];
  indexed: readonly ResourceSelector[];
  webhooks: readonly ResourceSelector[];
}

/** Why a selector or resource is not served. */
export type InterestProblem =
  /** "Ambiguous resources will not be served (try specifying API groups)". */
  | { kind: 'ambiguous'; selector: ResourceSelector; resources: Resource[] }
  /** "Unresolved resources cannot be served (try creating their CRDs)". */
  | { kind: 'unresolved'; selector: ResourceSelector }
  /** "Non-watchable resources will not be served": no `list` or `watch` verb. */
  | { kind: 'unwatchable'; resource: Resource }
  /** "Non-patchable resources will not be served": no `patch` verb, but handlers store state on them. */
  | { kind: 'unpatchable'; resource: Resource };

/** The resources to serve, and what could not be served. */
export interface ResourcesOfInterest {
  watched: Resource[];
  indexed: Resource[];
  webhooks: Resource[];
  problems: InterestProblem[];
}

function union(selectors: readonly ResourceSelector[], discovered: readonly Resource[]): Map<string, Resource> {
  const selected = new Map<string, Resource>();
  for (const selector of selectors) {
    for (const resource of selector.select(discovered)) selected.set(resourceId(resource), resource);
  }
  return selected;
}

/** Resolves the selectors against the resources discovery found. */
export function resourcesOfInterest(selectors: InterestSelectors, discovered: readonly Resource[]): ResourcesOfInterest {
  const problems: InterestProblem[] = [];
  // Indexed and webhook resources are not checked for ambiguity: they are matched passively, per
  // object or per request, while watched ones make the operator act on its own.
  const indexed = union(selectors.indexed, discovered);
  const webhooks = union(selectors.webhooks, discovered);
  const watched = union(selectors.watched, discovered);

  const ambiguous = new Set<ResourceSelector>();
  for (const selector of new Set(selectors.watched)) {
    const selected = selector.select([...watched.values()]);
    if (selector.isSpecific && selected.length > 1) {
      ambiguous.add(selector);
      problems.push({ kind: 'ambiguous', selector, resources: selected });
      for (const resource of selected) watched.delete(resourceId(resource));
    }
  }
  for (const selector of new Set(selectors.watched)) {
    if (!ambiguous.has(selector) && selector.select([...watched.values()]).length === 0) {
      problems.push({ kind: 'unresolved', selector });
    }
  }

  for (const [id, resource] of watched) {
    if (!resource.verbs.includes('list') || !resource.verbs.includes('watch')) {
      problems.push({ kind: 'unwatchable', resource });
      watched.delete(id);
    }
  }
  const patchedSelectors = new Set(selectors.patched);
  for (const [id, resource] of watched) {
    const needsPatching = [...patchedSelectors].some((selector) => selector.matches(resource));
    if (needsPatching && !resource.verbs.includes('patch')) {
      problems.push({ kind: 'unpatchable', resource });
      watched.delete(id);
    }
  }

  return { watched: [...watched.values()], indexed: [...indexed.values()], webhooks: [...webhooks.values()], problems };
}

/**
 * The API groups discovery must scan for these selectors, or `undefined` when some selector names
 * no group (then every group must be scanned).
 */
export function groupsOfInterest(selectors: readonly ResourceSelector[]): Set<string> | undefined {
  const groups = new Set<string>();
  for (const selector of selectors) {
    if (selector.group === undefined) return undefined;
    groups.add(selector.group);
  }
  return groups;
}
