import { describe, expect, it } from 'vitest';
import {
  AmbiguousResourceError,
  EVERYTHING,
  ResourceSelector,
  SelectorSyntaxError,
  UnknownResourceError,
  apiVersionOf,
  qualifiedName,
  resourceId,
  type Resource,
} from './resource-selector.ts';

function resource(fields: Partial<Resource> & Pick<Resource, 'group' | 'version' | 'plural' | 'kind'>): Resource {
  return {
    singular: fields.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    subresources: [],
    namespaced: true,
    preferred: true,
    verbs: ['get', 'list', 'watch', 'patch'],
    ...fields,
  };
}

const pods = resource({ group: '', version: 'v1', plural: 'pods', kind: 'Pod', shortNames: ['po'], categories: ['all'] });
const podMetrics = resource({ group: 'metrics.k8s.io', version: 'v1beta1', plural: 'pods', kind: 'PodMetrics' });
const events = resource({ group: '', version: 'v1', plural: 'events', kind: 'Event', shortNames: ['ev'] });
const newEvents = resource({ group: 'events.k8s.io', version: 'v1', plural: 'events', kind: 'Event', shortNames: ['ev'] });
const deployments = resource({ group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', shortNames: ['deploy'], categories: ['all'] });
const namespaces = resource({ group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', shortNames: ['ns'], namespaced: false });
const kexV1 = resource({ group: 'kopf.dev', version: 'v1', plural: 'kopfexamples', kind: 'KopfExample', shortNames: ['kex', 'kexes'], categories: ['kopf'] });
const kexV2 = resource({ group: 'kopf.dev', version: 'v2beta1', plural: 'kopfexamples', kind: 'KopfExample', shortNames: ['kex', 'kexes'], categories: ['kopf'], preferred: false });
const widgetsA = resource({ group: 'a.example.com', version: 'v1', plural: 'widgets', kind: 'Widget' });
const widgetsB = resource({ group: 'b.example.com', version: 'v1', plural: 'widgets', kind: 'Widget' });
const all = [pods, podMetrics, events, newEvents, deployments, namespaces, kexV1, kexV2, widgetsA, widgetsB];

function resolve(...args: Parameters<typeof ResourceSelector.of>): Resource {
  return ResourceSelector.of(...args).resolve(all);
}

describe('selector forms (Kopf 3.1)', () => {
  it('a plural, kind, singular or short name, in any group, preferred version', () => {
    expect(resolve('kopfexamples')).toBe(kexV1);
    expect(resolve('KopfExample')).toBe(kexV1);
    expect(resolve('kopfexample')).toBe(kexV1);
    expect(resolve('kex')).toBe(kexV1);
    expect(resolve('deploy')).toBe(deployments);
  });

  it('name.group and name.version.group', () => {
    expect(resolve('kopfexamples.kopf.dev')).toBe(kexV1);
    expect(resolve('deployments.apps')).toBe(deployments);
    expect(resolve('kopfexamples.v2beta1.kopf.dev')).toBe(kexV2);
    expect(resolve('pods.v1')).toBe(pods);
  });

  it('two strings: group/version or v1 (core) or a group, then a name', () => {
    expect(resolve('kopf.dev/v2beta1', 'kopfexamples')).toBe(kexV2);
    expect(resolve('v1', 'pods')).toBe(pods);
    expect(resolve('apps', 'deployments')).toBe(deployments);
    expect(resolve('metrics.k8s.io', 'pods')).toBe(podMetrics);
  });

  it('three strings: group, version, name; an empty group is the core group', () => {
    expect(resolve('kopf.dev', 'v1', 'kopfexamples')).toBe(kexV1);
    expect(resolve('', 'v1', 'pods')).toBe(pods);
  });

  it('objects with one naming field, narrowed by group and version', () => {
    expect(resolve({ plural: 'kopfexamples' })).toBe(kexV1);
    expect(resolve({ kind: 'KopfExample', version: 'v2beta1' })).toBe(kexV2);
    expect(resolve({ shortcut: 'po' })).toBe(pods);
    expect(resolve({ singular: 'deployment', group: 'apps' })).toBe(deployments);
    // `kind` matches only kinds: a plural given as a kind matches nothing.
    expect(() => resolve({ kind: 'pods' })).toThrow(UnknownResourceError);
  });

  it('categories select every preferred member', () => {
    expect(ResourceSelector.of({ category: 'all' }).select(all)).toEqual([pods, deployments]);
    expect(ResourceSelector.of({ category: 'kopf' }).select(all)).toEqual([kexV1]);
    expect(ResourceSelector.of({ category: 'kopf', version: 'v2beta1' }).select(all)).toEqual([kexV2]);
  });

  it('EVERYTHING selects every preferred resource but Events, optionally in one group', () => {
    expect(ResourceSelector.of(EVERYTHING).select(all)).toEqual([pods, podMetrics, deployments, namespaces, kexV1, widgetsA, widgetsB]);
    expect(ResourceSelector.of('kopf.dev', EVERYTHING).select(all)).toEqual([kexV1]);
    expect(ResourceSelector.of('kopf.dev', 'v2beta1', EVERYTHING).select(all)).toEqual([kexV2]);
  });

  it('predicates see every version, never Events', () => {
    const namespaced = ResourceSelector.of((r: Resource) => r.group === 'kopf.dev' || r.plural === 'events');
    expect(namespaced.select(all)).toEqual([kexV1, kexV2]);
    expect(ResourceSelector.of({ group: 'kopf.dev', predicate: (r) => !r.preferred }).select(all)).toEqual([kexV2]);
  });

  it('Events are selected when named', () => {
    expect(resolve('v1', 'events')).toBe(events);
    expect(resolve('events.k8s.io', 'events')).toBe(newEvents);
  });

  it('names are case-sensitive, as in Kopf', () => {
    expect(() => resolve('Pods')).toThrow(UnknownResourceError);
  });
});

describe('choosing among matches', () => {
  it('a name prefers the core group', () => {
    expect(ResourceSelector.of('pods').select(all)).toEqual([pods]);
    expect(resolve('ev')).toBe(events);
  });

  it('an ambiguous name lists the candidates and how to pick one', () => {
    const error = (() => {
      try {
        resolve('widgets');
      } catch (e) {
        return e as AmbiguousResourceError;
      }
    })()!;
    expect(error).toBeInstanceOf(AmbiguousResourceError);
    expect(error.candidates).toEqual([widgetsA, widgetsB]);
    expect(error.message).toBe(
      '"widgets" is ambiguous: it matches widgets.v1.a.example.com, widgets.v1.b.example.com; name one with its group, e.g. "widgets.a.example.com"',
    );
    expect(resolve('widgets.b.example.com')).toBe(widgetsB);
  });

  it('an unknown name suggests the same name in another case, group or version', () => {
    const unknown = (...args: Parameters<typeof ResourceSelector.of>) => {
      try {
        resolve(...args);
      } catch (e) {
        expect(e).toBeInstanceOf(UnknownResourceError);
        return (e as UnknownResourceError).message;
      }
      throw new Error('expected an unknown resource');
    };
    expect(unknown('Pods')).toBe('no resource matches "Pods"; did you mean pods.v1, pods.v1beta1.metrics.k8s.io?');
    expect(unknown('kopfexamples.kopf.io')).toBe('no resource matches "kopfexamples.kopf.io"; did you mean kopfexamples.v1.kopf.dev, kopfexamples.v2beta1.kopf.dev?');
    expect(unknown('kopf.dev', 'v3', 'kopfexamples')).toContain('did you mean kopfexamples.v1.kopf.dev');
  });

  it('an unknown name suggests names a typo away, else nothing', () => {
    expect(() => resolve('deploymnets')).toThrow('no resource matches "deploymnets"; did you mean deployments.v1.apps?');
    expect(() => resolve('gizmos')).toThrow(/^no resource matches "gizmos"$/);
  });

  it('resolving a category or EVERYTHING is refused: they are sets', () => {
    expect(() => ResourceSelector.of({ category: 'all' }).resolve(all)).toThrow(SelectorSyntaxError);
    expect(() => ResourceSelector.of(EVERYTHING).resolve(all)).toThrow(/selects a set of resources/);
  });
});

describe('invalid selectors', () => {
  it('are rejected with the reason', () => {
    expect(() => ResourceSelector.of()).toThrow(/at least one argument/);
    expect(() => (ResourceSelector.of as (...a: string[]) => ResourceSelector)('a', 'b', 'c', 'd')).toThrow(/at most 3 arguments, not 4/);
    expect(() => ResourceSelector.of({ kind: 'Pod', plural: 'pods' })).toThrow(/names one thing, not plural and kind|names one thing, not kind and plural/);
    expect(() => ResourceSelector.of({ group: 'apps' })).toThrow(/needs a name/);
    expect(() => ResourceSelector.of({ plural: '' })).toThrow(/must not be empty/);
    expect(() => ResourceSelector.of('')).toThrow(/must not be empty/);
    expect(() => ResourceSelector.of(EVERYTHING, 'pods')).toThrow(/EVERYTHING can only come last/);
    expect(() => ResourceSelector.of('v1', () => true)).toThrow(/only argument/);
  });
});

describe('names of resources', () => {
  it('follow Kopf and kubectl', () => {
    expect(resourceId(kexV1)).toBe('kopfexamples.v1.kopf.dev');
    expect(resourceId(pods)).toBe('pods.v1');
    expect(qualifiedName(kexV1)).toBe('kopfexamples.kopf.dev');
    expect(qualifiedName(pods)).toBe('pods');
    expect(apiVersionOf(deployments)).toBe('apps/v1');
    expect(apiVersionOf(pods)).toBe('v1');
  });

  it('a selector prints as written', () => {
    expect(String(ResourceSelector.of('kopf.dev', 'v1', 'kopfexamples'))).toBe('"kopf.dev", "v1", "kopfexamples"');
    expect(String(ResourceSelector.of({ category: 'all' }))).toBe('{ category: "all" }');
    expect(String(ResourceSelector.of(EVERYTHING))).toBe('EVERYTHING');
  });
});
