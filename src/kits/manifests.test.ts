import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { PolicyRule } from 'kubernetes-types/rbac/v1.js';
import { describe, expect, it } from 'vitest';
import { EVERYTHING, type Resource } from '../core/resource-selector.ts';
import { Registry } from '../registry/registry.ts';
import { buildManifests, ManifestsError, policyRules, runArguments, type ManifestObject, type ManifestsOptions } from './manifests.ts';

function resource(group: string, plural: string, kind: string, extra: Partial<Resource> = {}): Resource {
  return {
    group,
    version: 'v1',
    plural,
    kind,
    singular: kind.toLowerCase(),
    shortNames: [],
    categories: [],
    subresources: [],
    namespaced: true,
    preferred: true,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    ...extra,
  };
}

const kex = resource('kopf.dev', 'kopfexamples', 'KopfExample', { subresources: ['status'], shortNames: ['kex'] });
const pods = resource('', 'pods', 'Pod', { subresources: ['status'] });
const nodes = resource('', 'nodes', 'Node', { namespaced: false });
const zex = resource('zalando.org', 'kopfexamples', 'KopfExample');
const peerings = resource('kopf.dev', 'kopfpeerings', 'KopfPeering');
const discovered = [kex, pods, nodes];

const defaults: ManifestsOptions = {
  name: 'op',
  namespace: 'ops',
  image: 'example/op:1',
  files: ['operator.ts'],
  modules: [],
  namespaces: [],
  standalone: false,
};

function build(register: (registry: Registry) => void, options: Partial<ManifestsOptions> = {}, resources: Resource[] = discovered) {
  const registry = new Registry();
  register(registry);
  return buildManifests(registry, resources, { ...defaults, ...options });
}

/** The rules of one object as `group/resource` → verbs, for comparing permissions regardless of grouping. */
function grants(objects: ManifestObject[], kind: 'ClusterRole' | 'Role', namespace?: string): Record<string, string[]> {
  const role = objects.find((object) => object.kind === kind && object.metadata?.namespace === namespace) as { rules: PolicyRule[] } | undefined;
  if (!role) throw new Error(`no ${kind} ${namespace ?? ''}`);
  const result: Record<string, string[]> = {};
  for (const rule of role.rules) {
    for (const name of rule.resources!) result[`${rule.apiGroups![0]}/${name}`] = [...rule.verbs].sort();
  }
  return result;
}

function kinds(objects: ManifestObject[]): string[] {
  return objects.map((object) => `${object.kind}${object.metadata?.namespace ? ` ${object.metadata.namespace}` : ''}`);
}

describe('buildManifests: cluster-wide', () => {
  it('grants list/watch/patch and status patches for changing handlers, events, CRD scanning and cluster-wide peering', () => {
    const { objects, warnings } = build((registry) => registry.on.create('kopfexamples', function createFn() {}));
    expect(warnings).toEqual([]);
    expect(kinds(objects)).toEqual(['ServiceAccount ops', 'ClusterRole', 'ClusterRoleBinding', 'Deployment ops']);
    expect(grants(objects, 'ClusterRole')).toEqual({
      '/events': ['create'],
      'apiextensions.k8s.io/customresourcedefinitions': ['list', 'watch'],
      'kopf.dev/clusterkopfpeerings': ['list', 'patch', 'watch'],
      'kopf.dev/kopfexamples': ['list', 'patch', 'watch'],
      'kopf.dev/kopfexamples/status': ['patch'],
    });
    const binding = objects.find((object) => object.kind === 'ClusterRoleBinding');
    expect(binding).toMatchObject({ roleRef: { kind: 'ClusterRole', name: 'op' }, subjects: [{ kind: 'ServiceAccount', name: 'op', namespace: 'ops' }] });
  });

  it('grants no patch for event and index handlers, which store nothing on objects', () => {
    const { objects } = build((registry) => {
      registry.on.event('kopfexamples', function seen() {});
      registry.on.index('pods', function byName() {});
    });
    const granted = grants(objects, 'ClusterRole');
    expect(granted['kopf.dev/kopfexamples']).toEqual(['list', 'watch']);
    expect(granted['/pods']).toEqual(['list', 'watch']);
    expect(granted['kopf.dev/kopfexamples/status']).toBeUndefined();
  });

  it('patches for daemons and timers, and through the main resource when there is no status subresource', () => {
    const { objects } = build((registry) => registry.on.timer('zalando.org', 'kopfexamples', { interval: 1 }, function tick() {}), {}, [zex]);
    const granted = grants(objects, 'ClusterRole');
    expect(granted['zalando.org/kopfexamples']).toEqual(['list', 'patch', 'watch']);
    expect(granted['zalando.org/kopfexamples/status']).toBeUndefined();
  });

  it('runs `kopf run` with the same code and scope, one replica, POD_ID from the pod name', () => {
    const { objects } = build(() => {}, { files: ['a.ts', 'b.ts'], modules: ['my-operator'] });
    const deployment = objects.find((object) => object.kind === 'Deployment') as Deployment;
    expect(deployment.spec?.replicas).toBe(1);
    const pod = deployment.spec!.template.spec!;
    expect(pod.serviceAccountName).toBe('op');
    expect(pod.containers[0]).toMatchObject({
      image: 'example/op:1',
      command: ['npx', '--no', 'kopf'],
      args: ['run', 'a.ts', 'b.ts', '-m', 'my-operator', '-A'],
      env: [{ name: 'POD_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    });
    expect(deployment.spec?.selector.matchLabels).toEqual(deployment.spec?.template.metadata?.labels);
  });
});

describe('buildManifests: namespaces', () => {
  it('puts namespaced needs into a Role per namespace, and namespace watching into the ClusterRole', () => {
    const { objects } = build((registry) => registry.on.update('kex', function updateFn() {}), { namespaces: ['ns1', 'ns2'] });
    expect(kinds(objects)).toEqual(['ServiceAccount ops', 'ClusterRole', 'ClusterRoleBinding', 'Role ns1', 'RoleBinding ns1', 'Role ns2', 'RoleBinding ns2', 'Deployment ops']);
    expect(grants(objects, 'ClusterRole')).toEqual({
      '/namespaces': ['list', 'watch'],
      'apiextensions.k8s.io/customresourcedefinitions': ['list', 'watch'],
    });
    for (const namespace of ['ns1', 'ns2']) {
      expect(grants(objects, 'Role', namespace)).toEqual({
        '/events': ['create'],
        'kopf.dev/kopfpeerings': ['list', 'patch', 'watch'],
        'kopf.dev/kopfexamples': ['list', 'patch', 'watch'],
        'kopf.dev/kopfexamples/status': ['patch'],
      });
    }
    const binding = objects.find((object) => object.kind === 'RoleBinding' && object.metadata?.namespace === 'ns2');
    expect(binding).toMatchObject({ roleRef: { kind: 'Role', name: 'op' }, subjects: [{ kind: 'ServiceAccount', name: 'op', namespace: 'ops' }] });
    const deployment = objects.find((object) => object.kind === 'Deployment') as Deployment;
    expect(deployment.spec!.template.spec!.containers[0].args).toEqual(['run', 'operator.ts', '-n', 'ns1', '-n', 'ns2']);
  });

  it('keeps cluster-scoped resources in the ClusterRole and their Events in the operator namespace', () => {
    const { objects } = build((registry) => registry.on.create('nodes', function createFn() {}), { namespaces: ['ns1'] });
    expect(grants(objects, 'ClusterRole')['/nodes']).toEqual(['list', 'patch', 'watch']);
    expect(grants(objects, 'Role', 'ns1')['/nodes']).toBeUndefined();
    expect(grants(objects, 'Role', 'ops')).toEqual({ '/events': ['create'] });
  });

  it('grants namespaced needs cluster-wide for glob patterns, and says why', () => {
    const { objects, warnings } = build((registry) => registry.on.create('kopfexamples', function createFn() {}), { namespaces: ['team-*'] });
    expect(kinds(objects)).not.toContain('Role team-*');
    expect(objects.some((object) => object.kind === 'Role')).toBe(false);
    const granted = grants(objects, 'ClusterRole');
    expect(granted['kopf.dev/kopfexamples']).toEqual(['list', 'patch', 'watch']);
    expect(granted['kopf.dev/kopfpeerings']).toEqual(['list', 'patch', 'watch']);
    expect(granted['/namespaces']).toEqual(['list', 'watch']);
    expect(warnings).toEqual([expect.stringContaining('team-* are not plain names')]);
  });
});

describe('buildManifests: peering', () => {
  it('grants nothing for peering when standalone', () => {
    const { objects } = build(() => {}, { standalone: true });
    expect(Object.keys(grants(objects, 'ClusterRole')).filter((key) => key.includes('peering'))).toEqual([]);
    const deployment = objects.find((object) => object.kind === 'Deployment') as Deployment;
    expect(deployment.spec!.template.spec!.containers[0].args).toContain('--standalone');
  });

  it('passes a named peering on, and patches the peering status subresource when the CRD has one', () => {
    const withStatus = { ...peerings, subresources: ['status'] };
    const { objects } = build(() => {}, { namespaces: ['ns1'], peering: 'mine' }, [...discovered, withStatus]);
    expect(grants(objects, 'Role', 'ns1')['kopf.dev/kopfpeerings/status']).toEqual(['patch']);
    expect(runArguments({ ...defaults, peering: 'mine' })).toEqual(['run', 'operator.ts', '-A', '--peering', 'mine']);
  });
});

describe('buildManifests: admission', () => {
  it('grants the webhook configurations and nothing on the resources the API server asks about', () => {
    const { objects } = build((registry) => registry.on.validate('kopfexamples', function check() {}));
    const granted = grants(objects, 'ClusterRole');
    expect(granted['admissionregistration.k8s.io/validatingwebhookconfigurations']).toEqual(['create', 'patch']);
    expect(granted['admissionregistration.k8s.io/mutatingwebhookconfigurations']).toEqual(['create', 'patch']);
    expect(granted['kopf.dev/kopfexamples']).toBeUndefined();
  });

  it('grants no webhook configurations without webhooks', () => {
    const { objects } = build((registry) => registry.on.create('kopfexamples', function createFn() {}));
    expect(Object.keys(grants(objects, 'ClusterRole')).some((key) => key.startsWith('admissionregistration'))).toBe(false);
  });
});

describe('buildManifests: selectors that cannot be served', () => {
  it('fails for a selector that matches no resource', () => {
    expect(() => build((registry) => registry.on.create('widgets', function createFn() {}))).toThrow(/"widgets" matches no resource of the cluster/);
  });

  it('fails for an ambiguous selector', () => {
    expect(() => build((registry) => registry.on.create('kopfexamples', function createFn() {}), {}, [kex, zex])).toThrow(new ManifestsError('the handlers cannot be served: "kopfexamples" is ambiguous: it matches kopfexamples.kopf.dev, kopfexamples.zalando.org; name the group'));
  });

  it('covers what EVERYTHING matches now, and warns that later resources are not covered', () => {
    const { objects, warnings } = build((registry) => registry.on.event(EVERYTHING, function everything() {}));
    const granted = grants(objects, 'ClusterRole');
    expect(granted['/nodes']).toEqual(['list', 'watch']);
    expect(granted['/pods']).toEqual(['list', 'watch']);
    expect(warnings).toEqual([expect.stringContaining('EVERYTHING')]);
  });
});

describe('policyRules', () => {
  it('merges verbs per resource and groups resources with the same verbs, in a stable order', () => {
    const rules = policyRules([
      { group: 'b', resource: 'ys', verbs: ['watch', 'list'] },
      { group: 'a', resource: 'xs', verbs: ['list'] },
      { group: 'a', resource: 'xs', verbs: ['watch'] },
      { group: 'b', resource: 'zs', verbs: ['list', 'watch'] },
    ]);
    expect(rules).toEqual([
      { apiGroups: ['a'], resources: ['xs'], verbs: ['list', 'watch'] },
      { apiGroups: ['b'], resources: ['ys', 'zs'], verbs: ['list', 'watch'] },
    ]);
  });
});
