/**
 * Server-side selectors of a watched resource, from `settings.watching.labelSelectors` /
 * `fieldSelectors`: the keys are resource selectors in any `kopf.on.*` form; every selector whose key
 * matches the resource applies (de-duplicated, sorted, AND-ed). Objects the server filters out are never
 * seen by the operator. (`shardSelectors` are not sent: kube-apiserver 1.32 has no shard selection.)
 */
import { ResourceSelector, type Resource, type SelectorArgument } from '../core/resource-selector.ts';
import type { ResourceSelectorKey, WatchingSettings } from '../registry/settings.ts';

function keyMatches(key: ResourceSelectorKey, resource: Resource): boolean {
  const args = (Array.isArray(key) ? key : [key]) as SelectorArgument[];
  return ResourceSelector.of(...args).matches(resource);
}

function combined(selectors: Map<ResourceSelectorKey, string>, resource: Resource): string | undefined {
  // Whole selectors, never split at commas: set-based terms have commas of their own (`env in (a,b)`).
  const parts = new Set<string>();
  for (const [key, selector] of selectors) {
    if (keyMatches(key, resource) && selector.trim()) parts.add(selector.trim());
  }
  return parts.size ? [...parts].sort().join(',') : undefined;
}

/** The `labelSelector`/`fieldSelector` of the resource's list and watch requests. */
export function watchSelectors(watching: Pick<WatchingSettings, 'labelSelectors' | 'fieldSelectors'>, resource: Resource): { labelSelector?: string; fieldSelector?: string } {
  const labelSelector = combined(watching.labelSelectors, resource);
  const fieldSelector = combined(watching.fieldSelectors, resource);
  return { ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) };
}
