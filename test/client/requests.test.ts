import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Api } from '../../src/client/api.ts';
import { ConflictError, NotFoundError } from '../../src/client/errors.ts';
import { startCluster, type TestCluster } from '../../src/testing.ts';

// The api facade against the cluster of this run (embedded, or real with KOPF_TS_TEST_BACKEND=real).

const crd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: kopfexamples.kopf.dev }
spec:
  group: kopf.dev
  scope: Namespaced
  names: { plural: kopfexamples, singular: kopfexample, kind: KopfExample, shortNames: [kex] }
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, x-kubernetes-preserve-unknown-fields: true }
            status: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;

interface KopfExample {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  spec?: { field?: string; items?: string[] };
  status?: { phase?: string };
}

const ConfigMaps = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const Examples = { apiVersion: 'kopf.dev/v1', kind: 'KopfExample' } as const;

let cluster: TestCluster;
let api: Api;
const namespace = `client-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.apply(crd);
  await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  api = await connect({ kubeconfig: cluster.kubeconfigPath });
});

afterAll(async () => {
  await api?.close();
  await cluster?.delete('namespaces', namespace);
  await cluster?.stop();
});

describe('built-in kinds', () => {
  it('creates, reads, replaces, patches and deletes a ConfigMap', async () => {
    const created = await api.create<ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace, labels: { app: 'a' } }, data: { a: '1' } });
    expect(created.metadata?.uid).toBeTruthy();

    const read = await api.get(ConfigMaps, 'cm1', { namespace });
    expect(read.data).toEqual({ a: '1' });

    const replaced = await api.replace({ ...read, apiVersion: 'v1', kind: 'ConfigMap', data: { a: '2' } });
    expect(replaced.data).toEqual({ a: '2' });
    // The read's resourceVersion is stale now: optimistic concurrency refuses the write.
    await expect(api.replace({ ...read, apiVersion: 'v1', kind: 'ConfigMap', data: { a: '3' } })).rejects.toBeInstanceOf(ConflictError);

    const merged = await api.patch(ConfigMaps, 'cm1', { data: { b: 'x' } }, { namespace });
    expect(merged.data).toEqual({ a: '2', b: 'x' });
    const jsonPatched = await api.patch(ConfigMaps, 'cm1', [{ op: 'remove', path: '/data/a' }], { namespace, type: 'json' });
    expect(jsonPatched.data).toEqual({ b: 'x' });
    const strategic = await api.patch(ConfigMaps, 'cm1', { metadata: { labels: { tier: 't' } } }, { namespace, type: 'strategic' });
    expect(strategic.metadata?.labels).toEqual({ app: 'a', tier: 't' });

    await api.delete(ConfigMaps, 'cm1', { namespace });
    await expect(api.get(ConfigMaps, 'cm1', { namespace })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('applies server-side: creates when absent, updates the fields it manages', async () => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace }, data: { k: 'v1' } };
    const first = await api.apply(object, { fieldManager: 'kopf-ts-test' });
    expect(first.data).toEqual({ k: 'v1' });
    const second = await api.apply({ ...object, data: { k: 'v2' } }, { fieldManager: 'kopf-ts-test' });
    expect(second.data).toEqual({ k: 'v2' });
    expect(second.metadata?.managedFields?.some((f) => f.manager === 'kopf-ts-test' && f.operation === 'Apply')).toBe(true);
  });

  it('validates without storing on dry runs', async () => {
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry', namespace } }, { dryRun: true });
    await expect(api.get(ConfigMaps, 'dry', { namespace })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('handles cluster-scoped kinds without a namespace', async () => {
    const name = `${namespace}-extra`;
    await api.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const read = await api.get({ apiVersion: 'v1', kind: 'Namespace' }, name);
    expect(read.status?.phase).toBe('Active');
    const deleted = await api.delete({ apiVersion: 'v1', kind: 'Namespace' }, name);
    expect((deleted as Namespace).metadata?.name).toBe(name);
  });

  it('uses the connection default namespace when none is given', async () => {
    expect(api.namespace).toBe('default');
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `defaulted-${namespace}` } });
    expect((await api.get(ConfigMaps, `defaulted-${namespace}`)).metadata?.namespace).toBe('default');
    await api.delete(ConfigMaps, `defaulted-${namespace}`);
  });
});

describe('lists', () => {
  it('joins every page and fills in apiVersion and kind', async () => {
    for (let i = 0; i < 12; i++) await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `page-${i}`, namespace, labels: { paged: 'yes' } } });
    const list = await api.list(ConfigMaps, { namespace, labelSelector: 'paged=yes', pageSize: 5 });
    expect(list.kind).toBe('ConfigMapList');
    expect(list.items.map((c) => c.metadata?.name).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `page-${i}`).sort());
    expect(list.items.every((c) => c.apiVersion === 'v1' && c.kind === 'ConfigMap')).toBe(true);
    expect(list.metadata.resourceVersion).toMatch(/^\d+$/);
  });

  it('lists across all namespaces without one, and by field', async () => {
    const everywhere = await api.list({ apiVersion: 'v1', kind: 'Namespace' });
    expect(everywhere.items.map((n) => n.metadata?.name)).toEqual(expect.arrayContaining(['default', 'kube-system', namespace]));
    const one = await api.list(ConfigMaps, { fieldSelector: `metadata.name=page-3,metadata.namespace=${namespace}` });
    expect(one.items.map((c) => c.metadata?.name)).toEqual(['page-3']);
  });
});

describe('custom kinds', () => {
  it('works with a custom kind through discovery, typed by the caller', async () => {
    const created = await api.create<KopfExample>({ apiVersion: 'kopf.dev/v1', kind: 'KopfExample', metadata: { name: 'ex1', namespace }, spec: { field: 'value' } });
    expect(created.spec?.field).toBe('value');
    const read = await api.get<KopfExample>(Examples, 'ex1', { namespace });
    expect(read.spec).toEqual({ field: 'value' });
    const untyped = await api.get(Examples, 'ex1', { namespace });
    expect(untyped.spec).toEqual({ field: 'value' });
  });

  it('patches and replaces the status subresource only', async () => {
    await api.create<KopfExample>({ apiVersion: 'kopf.dev/v1', kind: 'KopfExample', metadata: { name: 'ex2', namespace }, spec: { field: 'a' } });
    const patched = await api.patch<KopfExample>(Examples, 'ex2', { status: { phase: 'Running' }, spec: { field: 'ignored' } }, { namespace, subresource: 'status' });
    expect(patched.status).toEqual({ phase: 'Running' });
    expect(patched.spec).toEqual({ field: 'a' });
    const status = await api.get<KopfExample>(Examples, 'ex2', { namespace, subresource: 'status' });
    const replaced = await api.replace<KopfExample>({ ...status, apiVersion: 'kopf.dev/v1', kind: 'KopfExample', status: { phase: 'Done' } }, { subresource: 'status' });
    expect(replaced.status).toEqual({ phase: 'Done' });
  });

  it('resolves a Resource from discovery as the kind', async () => {
    const resource = await api.discovery.resolve('kex');
    const list = await api.list<KopfExample>(resource, { namespace });
    expect(list.items.map((e) => e.metadata?.name).sort()).toEqual(['ex1', 'ex2']);
  });
});

describe('watch', () => {
  it('yields the current objects, SYNCED, then changes', async () => {
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched', namespace, labels: { watched: 'yes' } }, data: { n: '0' } });
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const event of api.watch(ConfigMaps, { namespace, labelSelector: 'watched=yes', signal: controller.signal })) {
      if (event.type === 'SYNCED') {
        seen.push('SYNCED');
        await api.patch(ConfigMaps, 'watched', { data: { n: '1' } }, { namespace });
        continue;
      }
      seen.push(`${event.type} ${event.object.metadata?.name} ${event.object.data?.n}${event.initial ? ' initial' : ''}`);
      if (event.type === 'MODIFIED') controller.abort();
    }
    expect(seen).toEqual(['ADDED watched 0 initial', 'SYNCED', 'MODIFIED watched 1']);
  });
});
