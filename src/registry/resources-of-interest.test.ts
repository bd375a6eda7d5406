import { describe, expect, it } from 'vitest';
import { EVERYTHING, ResourceSelector, type Resource } from '../core/resource-selector.ts';
import { groupsOfInterest, resourcesOfInterest } from './resources-of-interest.ts';

function resource(group: string, plural: string, kind: string, verbs = ['list', 'watch', 'patch']): Resource {
  return {
    group,
    version: 'v1',
    plural,
    kind,
    singular: kind.toLowerCase(),
    shortNames: [],
    categories: ['all'],
    subresources: [],
    namespaced: true,
    preferred: true,
    verbs,
  };
}

const kex = resource('kopf.dev', 'kopfexamples', 'KopfExample');
const zex = resource('zalando.org', 'kopfexamples', 'KopfExample');
const corePods = resource('', 'pods', 'Pod');
const metricPods = resource('metrics.k8s.io', 'pods', 'PodMetrics', ['list', 'watch']);
const readOnly = resource('kopf.dev', 'readonlies', 'ReadOnly', ['list', 'watch']);
const unlistable = resource('kopf.dev', 'unlistables', 'Unlistable', ['get', 'patch']);
const discovered = [kex, zex, corePods, metricPods, readOnly, unlistable];
const sel = (...args: Parameters<typeof ResourceSelector.of>) => ResourceSelector.of(...args);

describe('resourcesOfInterest', () => {
  it('serves what the watched selectors match, preferring the core group for names', () => {
    const pods = sel('pods');
    const result = resourcesOfInterest({ watched: [pods], patched: [], indexed: [], webhooks: [] }, discovered);
    expect(result.watched).toEqual([corePods]);
    expect(result.problems).toEqual([]);
  });

  it('serves no resource of an ambiguous selector by name, and says so', () => {
    const ambiguous = sel('kopfexamples');
    const result = resourcesOfInterest({ watched: [ambiguous], patched: [ambiguous], indexed: [], webhooks: [] }, discovered);
    expect(result.watched).toEqual([]);
    expect(result.problems).toEqual([{ kind: 'ambiguous', selector: ambiguous, resources: [kex, zex] }]);
  });

  it('lets categories and EVERYTHING match many resources', () => {
    const result = resourcesOfInterest({ watched: [sel({ category: 'all' })], patched: [], indexed: [], webhooks: [] }, discovered);
    expect(result.watched).toEqual([kex, zex, corePods, metricPods, readOnly]);
    expect(result.problems).toEqual([{ kind: 'unwatchable', resource: unlistable }]);
    expect(resourcesOfInterest({ watched: [sel(EVERYTHING)], patched: [], indexed: [], webhooks: [] }, [kex]).watched).toEqual([kex]);
  });

  it('reports selectors that match nothing', () => {
    const missing = sel('missings.kopf.dev');
    const result = resourcesOfInterest({ watched: [missing], patched: [], indexed: [], webhooks: [] }, discovered);
    expect(result.problems).toEqual([{ kind: 'unresolved', selector: missing }]);
  });

  it('drops resources without patch only when handlers store state on them', () => {
    const readOnlies = sel('readonlies');
    const watchedOnly = resourcesOfInterest({ watched: [readOnlies], patched: [], indexed: [], webhooks: [] }, discovered);
    expect(watchedOnly.watched).toEqual([readOnly]);
    const patched = resourcesOfInterest({ watched: [readOnlies], patched: [readOnlies], indexed: [], webhooks: [] }, discovered);
    expect(patched.watched).toEqual([]);
    expect(patched.problems).toEqual([{ kind: 'unpatchable', resource: readOnly }]);
  });

  it('does not check indexed and webhook resources for ambiguity', () => {
    const ambiguous = sel('kopfexamples');
    const result = resourcesOfInterest({ watched: [], patched: [], indexed: [ambiguous], webhooks: [ambiguous] }, discovered);
    expect(result.indexed).toEqual([kex, zex]);
    expect(result.webhooks).toEqual([kex, zex]);
    expect(result.problems).toEqual([]);
  });
});

describe('groupsOfInterest', () => {
  it('collects the groups, or gives up when a selector names none', () => {
    expect(groupsOfInterest([sel('kopf.dev', 'v1', 'kopfexamples'), sel('v1', 'pods')])).toEqual(new Set(['kopf.dev', '']));
    expect(groupsOfInterest([sel('kopfexamples.kopf.dev'), sel('kopfexamples')])).toBeUndefined();
    expect(groupsOfInterest([])).toEqual(new Set());
  });
});
