import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  makeInformer,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } }, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
      },
    ],
  },
};

/**
 * The same core scenarios through `@kubernetes/client-node`, a second
 * independent client: typed APIs, generic objects, Watch and informers.
 */
describe('@kubernetes/client-node against the cluster', () => {
  let cluster: TestCluster;
  let kc: KubeConfig;
  let core: CoreV1Api;
  const ns = 'cn-test';

  beforeAll(async () => {
    cluster = await startCluster();
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('creates, reads, lists, patches and deletes through the typed API', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'typed', labels: { app: 'x' } }, data: { a: '1' } } });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    const read = await core.readNamespacedConfigMap({ name: 'typed', namespace: ns });
    expect(read.data).toEqual({ a: '1' });
    const list = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'app=x' });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['typed']);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const patched = await objects.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typed', namespace: ns }, data: { b: '2' } } as V1ConfigMap,
      undefined, undefined, undefined, undefined, PatchStrategy.MergePatch,
    );
    expect(patched.data).toEqual({ a: '1', b: '2' });
    await core.deleteNamespacedConfigMap({ name: 'typed', namespace: ns });
    const missing = await core.readNamespacedConfigMap({ name: 'typed', namespace: ns }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiException);
    expect((missing as ApiException<unknown>).code).toBe(404);
    expect(JSON.parse((missing as ApiException<string>).body).reason).toBe('NotFound');
  });

  it('serves custom objects, with the status subresource apart', async () => {
    await cluster.apply(crd);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const body = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { size: 2 } };
    const created = await custom.createNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: ns, plural: 'gadgets', body });
    expect(created.metadata.generation).toBe(1);
    const withStatus = await custom.replaceNamespacedCustomObjectStatus({
      group: 'example.com', version: 'v1', namespace: ns, plural: 'gadgets', name: 'g1',
      body: { ...created, status: { phase: 'Ready' } },
    });
    expect(withStatus.status).toEqual({ phase: 'Ready' });
    expect(withStatus.metadata.generation).toBe(1);
  });

  it('watches changes with Watch', async () => {
    const events: string[] = [];
    const watch = new Watch(kc);
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    const controller = await watch.watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
      (phase, obj) => events.push(`${phase} ${obj.metadata?.name}`),
      () => {},
    );
    try {
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'watched' } } });
      await core.deleteNamespacedConfigMap({ name: 'watched', namespace: ns });
      await cluster.waitFor(() => events.includes('DELETED watched'), { description: 'the DELETED event' });
      expect(events.filter((e) => e.endsWith(' watched'))).toEqual(['ADDED watched', 'DELETED watched']);
    } finally {
      controller.abort();
    }
  });

  it('keeps an informer cache in step', async () => {
    const informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${ns}/configmaps`, () => core.listNamespacedConfigMap({ namespace: ns }));
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${o.data?.v}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cached' }, data: { v: '1' } } });
      await cluster.waitFor(() => informer.get('cached', ns), { description: 'the informer to cache the object' });
      await core.replaceNamespacedConfigMap({ name: 'cached', namespace: ns, body: { metadata: { name: 'cached' }, data: { v: '2' } } });
      await cluster.waitFor(() => informer.get('cached', ns)?.data?.v === '2', { description: 'the update in the cache' });
      await core.deleteNamespacedConfigMap({ name: 'cached', namespace: ns });
      await cluster.waitFor(() => !informer.get('cached', ns), { description: 'the deletion in the cache' });
      expect(seen).toEqual(expect.arrayContaining(['add cached', 'update cached 2', 'delete cached']));
    } finally {
      await informer.stop();
    }
  });
});
