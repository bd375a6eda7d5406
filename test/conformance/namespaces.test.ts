import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { apiOf, createCrd, createNamespace, expectStatus, masked, widget, widgetCrd, type Api } from './support.ts';

const group = 'ns.conformance.example.com';
const hold = 'example.com/hold';

type Condition = { type: string; status: string; reason: string; message: string };

describe('namespace lifecycle', () => {
  let cluster: TestCluster;
  let api: Api;

  beforeAll(async () => {
    cluster = await startCluster();
    api = apiOf(cluster);
    await createCrd(cluster, widgetCrd(group));
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('starts with the standard namespaces, Active, and the kubernetes Service', async () => {
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      const ns = (await api.get(`/api/v1/namespaces/${name}`)).body;
      expect(ns.status).toEqual({ phase: 'Active' });
      expect(ns.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': name });
    }
    const service = (await api.get('/api/v1/namespaces/default/services/kubernetes')).body;
    expect(service.spec.ports).toEqual([expect.objectContaining({ name: 'https', port: 443, protocol: 'TCP' })]);
    expect(service.spec.type).toBe('ClusterIP');
  });

  it('creates a namespace with its finalizer, its name label, and then its ServiceAccount and root CA', async () => {
    const created = await api.post('/api/v1/namespaces', { metadata: { name: 'ns-new', labels: { 'kubernetes.io/metadata.name': 'wrong', team: 'a' } } });
    expect(created.status).toBe(201);
    expect(masked(created.body)).toEqual({
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name: 'ns-new', uid: '<uid>', resourceVersion: '<resourceVersion>', creationTimestamp: '<creationTimestamp>', labels: { 'kubernetes.io/metadata.name': 'ns-new', team: 'a' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    await cluster.waitFor(async () => (await api.get('/api/v1/namespaces/ns-new/serviceaccounts/default')).status === 200, { description: 'the default ServiceAccount', timeout: 30_000 });
    await cluster.waitFor(async () => (await api.get('/api/v1/namespaces/ns-new/configmaps/kube-root-ca.crt')).status === 200, { description: 'kube-root-ca.crt', timeout: 30_000 });
    const rootCa = (await api.get('/api/v1/namespaces/ns-new/configmaps/kube-root-ca.crt')).body;
    expect(Object.keys(rootCa.data)).toEqual(['ca.crt']);
    expect(rootCa.data['ca.crt']).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('refuses to delete the immortal namespaces', async () => {
    for (const name of ['default', 'kube-system', 'kube-public']) {
      expectStatus(await api.del(`/api/v1/namespaces/${name}`), {
        code: 403, reason: 'Forbidden', message: `namespaces "${name}" is forbidden: this namespace may not be deleted`, details: { name, kind: 'namespaces' },
      });
    }
  });

  it('terminates a namespace: content goes, creation is forbidden, finalizers hold it, then it is removed', async () => {
    const ns = 'ns-doomed';
    await createNamespace(cluster, ns);
    const widgets = `/apis/${group}/v1/namespaces/${ns}/widgets`;
    await api.post(widgets, widget(group, 'held', { size: 1 }, { finalizers: [hold] }));
    await api.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'content' } });

    const deleting = await api.del(`/api/v1/namespaces/${ns}`);
    expect(deleting.status).toBe(200);
    expect(deleting.body.kind).toBe('Namespace');
    expect(deleting.body.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(deleting.body.metadata.deletionGracePeriodSeconds).toBeUndefined();
    expect(deleting.body.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(deleting.body.status).toEqual({ phase: 'Terminating' });

    const terminating = (name: string, resource: string, details: Record<string, unknown>) => ({
      code: 403,
      reason: 'Forbidden',
      message: `${resource} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
      details: { ...details, causes: [{ reason: 'NamespaceTerminating', field: 'metadata.namespace', message: `namespace ${ns} is being terminated` }] },
    });
    expectStatus(await api.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'late' } }), terminating('late', 'configmaps', { name: 'late', kind: 'configmaps' }));
    expectStatus(await api.post(widgets, widget(group, '', { size: 1 }, { name: undefined, generateName: 'gen-' })), terminating('gen-', `widgets.${group}`, { name: 'gen-', group, kind: 'widgets' }));
    const again = await api.del(`/api/v1/namespaces/${ns}`);
    expect(again.status).toBe(200);
    expect(again.body.status.phase).toBe('Terminating');

    await cluster.waitFor(async () => (await api.get(`/api/v1/namespaces/${ns}/configmaps/content`)).status === 404, { description: 'the content to be deleted', timeout: 60_000 });
    const conditionsOf = async () => ((await api.get(`/api/v1/namespaces/${ns}`)).body.status.conditions ?? []) as Condition[];
    await cluster.waitFor(
      async () => (await conditionsOf()).some((c) => c.type === 'NamespaceContentRemaining' && c.status === 'True' && c.message === `Some resources are remaining: widgets.${group} has 1 resource instances`),
      { description: 'the remaining-content condition', timeout: 60_000 },
    );
    const conditions = (await conditionsOf()).map(({ type, status, reason, message }) => ({ type, status, reason, message }));
    expect(conditions).toEqual([
      { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
      { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
      { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
      { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: widgets.${group} has 1 resource instances` },
      { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${hold} in 1 resource instances` },
    ]);
    // Objects in a terminating namespace can still be updated: that is how their finalizers go.
    expect((await api.patch(`${widgets}/held`, { metadata: { finalizers: null } })).status).toBe(200);
    await cluster.waitFor(async () => (await api.get(`/api/v1/namespaces/${ns}`)).status === 404, { description: 'the namespace to be removed', timeout: 60_000 });
  });

  it('changes spec.finalizers only through /finalize', async () => {
    await createNamespace(cluster, 'ns-fin');
    const updated = await api.patch('/api/v1/namespaces/ns-fin', { spec: { finalizers: [] } });
    expect(updated.status).toBe(200);
    expect(updated.body.spec).toEqual({ finalizers: ['kubernetes'] });
    const namespace = updated.body;
    const finalized = await api.put('/api/v1/namespaces/ns-fin/finalize', { ...namespace, spec: { finalizers: [] } });
    expect(finalized.status).toBe(200);
    expect(finalized.body.spec).toEqual({});
    expect((await api.get('/api/v1/namespaces/ns-fin')).body.spec).toEqual({});
  });
});
