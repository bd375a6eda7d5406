import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Namespace, Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { UnknownResourceError } from '../core/resource-selector.ts';
import { Api } from './api.ts';
import type { KubeObject } from './builtin-kinds.ts';
import type { ConnectionInfo } from './config.ts';
import { GoneError } from './errors.ts';
import { describeRequest } from './request-subject.ts';
import type { RequestOptions, Transport } from './transport.ts';

// The facade over a recording transport: which requests each call makes, and the types it gives back.

const discovery: Record<string, unknown> = {
  '/api': { versions: ['v1'] },
  '/apis': {
    groups: [
      { name: 'apps', versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } },
      { name: 'kopf.dev', versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } },
    ],
  },
  '/apis/apps': { name: 'apps', versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } },
  '/apis/kopf.dev': { name: 'kopf.dev', versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } },
  '/api/v1': {
    resources: [
      { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'] },
      { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch'] },
      { name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs: ['get', 'list'] },
      { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list'] },
    ],
  },
  '/apis/apps/v1': { resources: [{ name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['get'] }] },
  '/apis/kopf.dev/v1': { resources: [{ name: 'kopfexamples', singularName: 'kopfexample', namespaced: true, kind: 'KopfExample', verbs: ['get'] }] },
};

interface Recorded extends RequestOptions {
  answer?: unknown;
}

function fakeApi(answer: (options: RequestOptions) => unknown = () => ({})): { api: Api; sent: Recorded[] } {
  const sent: Recorded[] = [];
  const transport: Transport = {
    request: async <T>(options: RequestOptions) => {
      if (options.path in discovery) return discovery[options.path] as T;
      sent.push(options);
      return answer(options) as T;
    },
    stream: async () => {
      throw new Error('no streams here');
    },
    close: async () => {},
  };
  const connection: ConnectionInfo = {
    server: 'https://k:6443',
    insecure: false,
    namespace: 'team-a',
    identity: 'test',
    source: 'kubeconfig',
    credentials: async () => ({ headers: {} }),
    reauthenticate: async () => {},
  };
  return { api: new Api(connection, transport), sent };
}

const Pods = { apiVersion: 'v1', kind: 'Pod' } as const;

describe('paths and namespaces', () => {
  it('reads an object in the given namespace, else the connection default', async () => {
    const { api, sent } = fakeApi();
    await api.get(Pods, 'p1', { namespace: 'ns1' });
    await api.get(Pods, 'p2');
    await api.get(Pods, 'p3', { subresource: 'status' });
    await api.get({ apiVersion: 'v1', kind: 'Namespace' }, 'ns1');
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/namespaces/ns1/pods/p1',
      'GET /api/v1/namespaces/team-a/pods/p2',
      'GET /api/v1/namespaces/team-a/pods/p3/status',
      'GET /api/v1/namespaces/ns1',
    ]);
  });

  it('writes into the object namespace unless told otherwise', async () => {
    const { api, sent } = fakeApi();
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns2' } });
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } }, { dryRun: true, fieldManager: 'me', fieldValidation: 'Strict' });
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'c' } });
    await api.replace({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns3' } }, { subresource: 'status' });
    expect(sent.map((r) => [r.method, r.path, r.query])).toEqual([
      ['POST', '/api/v1/namespaces/ns2/configmaps', { dryRun: undefined, fieldManager: undefined, fieldValidation: undefined }],
      ['POST', '/api/v1/namespaces/team-a/configmaps', { dryRun: 'All', fieldManager: 'me', fieldValidation: 'Strict' }],
      ['POST', '/api/v1/namespaces', { dryRun: undefined, fieldManager: undefined, fieldValidation: undefined }],
      ['PUT', '/apis/apps/v1/namespaces/ns3/deployments/d/status', { dryRun: undefined, fieldManager: undefined, fieldValidation: undefined }],
    ]);
  });

  it('lists one namespace, or all of them', async () => {
    const { api, sent } = fakeApi(() => ({ items: [], metadata: { resourceVersion: '7' } }));
    await api.list(Pods, { namespace: 'ns1', labelSelector: 'a=b' });
    await api.list(Pods);
    expect(sent.map((r) => [r.path, r.query])).toEqual([
      ['/api/v1/namespaces/ns1/pods', { labelSelector: 'a=b', fieldSelector: undefined, limit: 500, continue: undefined }],
      ['/api/v1/pods', { labelSelector: undefined, fieldSelector: undefined, limit: 500, continue: undefined }],
    ]);
  });

  it('posts Events about cluster-scoped objects into the connection namespace, unless told otherwise', async () => {
    const { api, sent } = fakeApi();
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } };
    await api.event(namespace, { type: 'Normal', reason: 'Seen' });
    await api.event(namespace, { type: 'Normal', reason: 'Seen', defaultNamespace: 'default' });
    await api.event({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns2' } }, { type: 'Normal', reason: 'Seen' });
    expect(sent.map((r) => r.path)).toEqual(['/api/v1/namespaces/team-a/events', '/api/v1/namespaces/default/events', '/api/v1/namespaces/ns2/events']);
  });

  it('ignores a namespace for a cluster-scoped kind', async () => {
    const { api, sent } = fakeApi();
    await api.get({ apiVersion: 'v1', kind: 'Namespace' }, 'x', { namespace: 'ns' });
    await api.delete({ apiVersion: 'v1', kind: 'Namespace' }, 'x', { namespace: 'ns' });
    expect(sent.map((r) => r.path)).toEqual(['/api/v1/namespaces/x', '/api/v1/namespaces/x']);
  });

  it('refuses objects without a kind or a name', async () => {
    const { api } = fakeApi();
    await expect(api.create({ metadata: { name: 'x' } })).rejects.toThrow('name the kind with apiVersion and kind, e.g. { apiVersion: "v1", kind: "Pod" }');
    await expect(api.replace({ apiVersion: 'v1', kind: 'ConfigMap' })).rejects.toThrow('replace needs metadata.name (ConfigMap)');
  });

  it('names unknown kinds with the likely candidates, after looking again', async () => {
    const { api } = fakeApi();
    const error = await api.get({ apiVersion: 'v1', kind: 'pod' }, 'x').catch((e: Error) => e);
    expect(error).toBeInstanceOf(UnknownResourceError);
    expect((error as Error).message).toBe('no resource matches { group: "", version: "v1", kind: "pod" }; did you mean pods.v1?');
  });
});

describe('patches and deletes', () => {
  it('sends each patch type with its content type; force only for apply', async () => {
    const { api, sent } = fakeApi();
    await api.patch(Pods, 'p', { metadata: { labels: { a: 'b' } } });
    await api.patch(Pods, 'p', [{ op: 'add', path: '/x', value: 1 }], { type: 'json' });
    await api.patch(Pods, 'p', {}, { type: 'strategic', subresource: 'status', force: true });
    await api.patch(Pods, 'p', { apiVersion: 'v1', kind: 'Pod' }, { type: 'apply', fieldManager: 'op', force: true });
    await api.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'q', namespace: 'ns' } }, { fieldManager: 'op' });
    expect(sent.map((r) => [r.path, r.contentType, r.query?.force, r.query?.fieldManager])).toEqual([
      ['/api/v1/namespaces/team-a/pods/p', 'application/merge-patch+json', undefined, undefined],
      ['/api/v1/namespaces/team-a/pods/p', 'application/json-patch+json', undefined, undefined],
      ['/api/v1/namespaces/team-a/pods/p/status', 'application/strategic-merge-patch+json', undefined, undefined],
      ['/api/v1/namespaces/team-a/pods/p', 'application/apply-patch+yaml', true, 'op'],
      ['/api/v1/namespaces/ns/pods/q', 'application/apply-patch+yaml', undefined, 'op'],
    ]);
  });

  it('refuses a server-side apply without a field manager', async () => {
    const { api } = fakeApi();
    await expect(api.patch(Pods, 'p', {}, { type: 'apply' })).rejects.toThrow('a server-side apply patch needs options.fieldManager');
  });

  it('sends delete options in the body', async () => {
    const { api, sent } = fakeApi();
    await api.delete(Pods, 'p', { propagationPolicy: 'Foreground', gracePeriodSeconds: 0, preconditions: { uid: 'u1' }, dryRun: true });
    expect(sent[0]).toMatchObject({
      method: 'DELETE',
      path: '/api/v1/namespaces/team-a/pods/p',
      body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground', gracePeriodSeconds: 0, preconditions: { uid: 'u1' }, dryRun: ['All'] },
    });
  });
});

describe('paginated lists', () => {
  it('joins the pages and keeps the list resourceVersion', async () => {
    const pages: Record<string, unknown> = {
      '': { items: [{ metadata: { name: 'a' } }], metadata: { resourceVersion: '10', continue: 't1' } },
      t1: { items: [{ metadata: { name: 'b' } }], metadata: { resourceVersion: '10', continue: 't2' } },
      t2: { items: [{ metadata: { name: 'c' } }], metadata: { resourceVersion: '10' } },
    };
    const { api, sent } = fakeApi((options) => pages[String(options.query?.continue ?? '')]);
    const list = await api.list(Pods, { pageSize: 1 });
    expect(list).toEqual({
      apiVersion: 'v1',
      kind: 'PodList',
      metadata: { resourceVersion: '10' },
      items: ['a', 'b', 'c'].map((name) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name } })),
    });
    expect(sent.map((r) => r.query?.limit)).toEqual([1, 1, 1]);
  });

  it('reads everything at once when the continue token expired', async () => {
    const { api, sent } = fakeApi((options) => {
      if (options.query?.continue === 't1') {
        throw new GoneError(410, { kind: 'Status', code: 410, reason: 'Expired', message: 'expired' }, { request: describeRequest('GET', options.path) });
      }
      if (options.query?.limit === undefined) return { items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }], metadata: { resourceVersion: '20' } };
      return { items: [{ metadata: { name: 'a' } }], metadata: { resourceVersion: '10', continue: 't1' } };
    });
    const list = await api.list(Pods, { pageSize: 1 });
    expect(list.items.map((p) => p.metadata?.name)).toEqual(['a', 'b']);
    expect(list.metadata.resourceVersion).toBe('20');
    expect(sent).toHaveLength(3);
  });
});

describe('types', () => {
  it('gives built-in kinds their kubernetes-types interface, others KubeObject or the type argument', async () => {
    const { api } = fakeApi(() => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }));
    interface KopfExample {
      apiVersion?: string;
      kind?: string;
      metadata?: { name?: string };
      spec?: { field?: string };
    }
    expectTypeOf(await api.get(Pods, 'p')).toEqualTypeOf<Pod>();
    expectTypeOf((await api.list({ apiVersion: 'apps/v1', kind: 'Deployment' })).items).toEqualTypeOf<Deployment[]>();
    expectTypeOf(await api.get({ apiVersion: 'kopf.dev/v1', kind: 'KopfExample' }, 'x')).toEqualTypeOf<KubeObject>();
    expectTypeOf(await api.get<KopfExample>({ apiVersion: 'kopf.dev/v1', kind: 'KopfExample' }, 'x')).toEqualTypeOf<KopfExample>();
    expectTypeOf(await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toEqualTypeOf<ConfigMap>();
    expectTypeOf(await api.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace' })).toEqualTypeOf<Namespace>();
    const read = await api.get({ apiVersion: 'v1', kind: 'ConfigMap' }, 'x');
    expectTypeOf(await api.replace({ ...read, data: { a: 'b' } })).toEqualTypeOf<ConfigMap>();
    const custom = await api.create({ apiVersion: 'kopf.dev/v1', kind: 'KopfExample', metadata: { name: 'x' }, spec: { size: 1 } });
    expectTypeOf<(typeof custom)['spec']['size']>().toEqualTypeOf<1>();
    expectTypeOf<NonNullable<(typeof custom)['metadata']>['uid']>().toEqualTypeOf<string | undefined>();
  });
});
