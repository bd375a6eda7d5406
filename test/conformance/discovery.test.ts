import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { apiOf, createCrd, deleteCrd, widgetCrd, type Api } from './support.ts';

const aggregatedAccept =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const aggregatedType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const crVerbs = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Upstream's opaque storage version hash: the first 8 bytes of sha256("<group>/<version>/<kind>"), base64. */
const storageHash = (gvk: string) => createHash('sha256').update(gvk).digest().subarray(0, 8).toString('base64');

describe('discovery', () => {
  let cluster: TestCluster;
  let api: Api;
  const group = 'discovery.conformance.example.com';

  beforeAll(async () => {
    cluster = await startCluster();
    api = apiOf(cluster);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('reports version 1.32, pretty-printed, and answers the health endpoints', async () => {
    const version = await api.get('/version');
    expect(version.status).toBe(200);
    expect(version.headers['content-type']).toBe('application/json');
    expect(version.body).toMatchObject({ major: '1', minor: '32', compiler: 'gc', platform: 'linux/amd64', gitTreeState: 'clean' });
    expect(version.text).toContain('\n  "major": "1"');
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const health = await api.get(path);
      expect(health.status).toBe(200);
      expect(health.text).toBe('ok');
    }
  });

  it('serves the legacy core documents', async () => {
    const apiDoc = await api.get('/api');
    expect(apiDoc.headers['content-type']).toBe('application/json');
    expect(apiDoc.body).toEqual({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }] });

    const core = await api.get('/api/v1');
    expect(core.body).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    const byName = new Map<string, unknown>(core.body.resources.map((r: { name: string }) => [r.name, r]));
    expect(byName.get('configmaps')).toEqual({
      name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs: allVerbs, shortNames: ['cm'], storageVersionHash: storageHash('/v1/ConfigMap'),
    });
    expect(byName.get('pods')).toEqual({
      name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: allVerbs, shortNames: ['po'], categories: ['all'], storageVersionHash: storageHash('/v1/Pod'),
    });
    expect(byName.get('pods/status')).toEqual({ name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    expect(byName.get('pods/log')).toEqual({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
    expect(byName.get('pods/eviction')).toEqual({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    // Namespaces are never deleted as a collection.
    expect(byName.get('namespaces')).toEqual({
      name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'], storageVersionHash: storageHash('/v1/Namespace'),
    });
    expect(byName.get('namespaces/finalize')).toEqual({ name: 'namespaces/finalize', singularName: '', namespaced: false, kind: 'Namespace', verbs: ['update'] });
    // Built-in entries come sorted by name.
    const resourceNames = core.body.resources.map((r: { name: string }) => r.name);
    expect(resourceNames).toEqual([...resourceNames].sort());
  });

  it('lists the built-in groups in upstream order with their preferred versions', async () => {
    const apis = await api.get('/apis');
    expect(apis.body.kind).toBe('APIGroupList');
    expect(apis.body.apiVersion).toBe('v1');
    const groups = apis.body.groups.map((g: { name: string }) => g.name);
    const order = ['apps', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io'];
    expect(groups.filter((g: string) => order.includes(g))).toEqual(order);
    const apps = apis.body.groups.find((g: { name: string }) => g.name === 'apps');
    expect(apps).toEqual({ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });
    expect((await api.get('/apis/apps')).body).toEqual({ kind: 'APIGroup', apiVersion: 'v1', ...apps });

    const appsV1 = await api.get('/apis/apps/v1');
    const byName = new Map<string, unknown>(appsV1.body.resources.map((r: { name: string }) => [r.name, r]));
    expect(byName.get('deployments')).toEqual({
      name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: allVerbs, shortNames: ['deploy'], categories: ['all'], storageVersionHash: storageHash('apps/v1/Deployment'),
    });
    expect(byName.get('deployments/scale')).toEqual({ name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    expect(byName.get('deployments/status')).toEqual({ name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get', 'patch', 'update'] });

    // The hash follows the storage: CRDs are still stored as v1beta1, events.k8s.io Events as core Events.
    const crds = (await api.get('/apis/apiextensions.k8s.io/v1')).body.resources[0];
    expect(crds).toEqual({
      name: 'customresourcedefinitions', singularName: 'customresourcedefinition', namespaced: false, kind: 'CustomResourceDefinition', verbs: allVerbs, shortNames: ['crd', 'crds'], categories: ['api-extensions'], storageVersionHash: storageHash('apiextensions.k8s.io/v1beta1/CustomResourceDefinition'),
    });
    const events = (await api.get('/apis/events.k8s.io/v1')).body.resources[0];
    expect(events).toEqual({ name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs: allVerbs, shortNames: ['ev'], storageVersionHash: storageHash('/v1/Event') });
  });

  it('answers aggregated discovery with its exact Content-Type, and legacy JSON otherwise', async () => {
    const core = await api.get('/api', { accept: aggregatedAccept });
    expect(core.headers['content-type']).toBe(aggregatedType);
    expect(core.body).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {} });
    expect(core.body.items).toHaveLength(1);
    expect(core.body.items[0].metadata).toEqual({ creationTimestamp: null });
    const coreVersion = core.body.items[0].versions[0];
    expect(coreVersion.version).toBe('v1');
    expect(coreVersion.freshness).toBe('Current');
    const configmaps = coreVersion.resources.find((r: { resource: string }) => r.resource === 'configmaps');
    expect(configmaps).toEqual({
      resource: 'configmaps', responseKind: { group: '', version: '', kind: 'ConfigMap' }, scope: 'Namespaced', singularResource: 'configmap', verbs: allVerbs, shortNames: ['cm'],
    });

    const apis = await api.get('/apis', { accept: aggregatedAccept });
    expect(apis.headers['content-type']).toBe(aggregatedType);
    const apps = apis.body.items.find((g: { metadata: { name: string } }) => g.metadata.name === 'apps');
    expect(apps.metadata).toEqual({ name: 'apps', creationTimestamp: null });
    const deployments = apps.versions[0].resources.find((r: { resource: string }) => r.resource === 'deployments');
    expect(deployments).toEqual({
      resource: 'deployments',
      responseKind: { group: '', version: '', kind: 'Deployment' },
      scope: 'Namespaced',
      singularResource: 'deployment',
      verbs: allVerbs,
      shortNames: ['deploy'],
      categories: ['all'],
      subresources: [
        { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
        { subresource: 'status', responseKind: { group: '', version: '', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
      ],
    });

    const legacy = await api.get('/apis', { accept: 'application/json, */*' });
    expect(legacy.headers['content-type']).toBe('application/json');
    expect(legacy.body.kind).toBe('APIGroupList');
  });

  it('serves a CRD in discovery once established, and drops it when the CRD goes', async () => {
    const crd = widgetCrd(group);
    await createCrd(cluster, crd);
    // kube-apiserver updates its discovery views separately (the CRD handler, its discovery controller, and the
    // aggregator that registers an APIService for the group), so wait for all of them, both ways.
    const discoveryViews = async () => ({
      groupVersion: (await api.get(`/apis/${group}/v1`)).status === 200,
      groupList: (await api.get('/apis')).body.groups.some((g: { name: string }) => g.name === group),
      aggregated: (await api.get('/apis', { accept: aggregatedAccept })).body.items.some((g: { metadata: { name: string } }) => g.metadata.name === group),
    });
    await cluster.waitFor(async () => Object.values(await discoveryViews()).every(Boolean), { description: 'the group in every discovery view' });

    const resources = (await api.get(`/apis/${group}/v1`)).body;
    expect(resources).toEqual({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: `${group}/v1`,
      resources: [
        { name: 'widgets', singularName: 'widget', namespaced: true, kind: 'Widget', verbs: crVerbs, shortNames: ['wd'], categories: ['all'], storageVersionHash: storageHash(`${group}/v1/Widget`) },
        { name: 'widgets/status', singularName: '', namespaced: true, kind: 'Widget', verbs: ['get', 'patch', 'update'] },
        { name: 'widgets/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
      ],
    });
    const preferred = { groupVersion: `${group}/v1`, version: 'v1' };
    expect((await api.get(`/apis/${group}`)).body).toEqual({ kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [preferred], preferredVersion: preferred });
    expect((await api.get('/apis')).body.groups).toContainEqual({ name: group, versions: [preferred], preferredVersion: preferred });

    const aggregated = (await api.get('/apis', { accept: aggregatedAccept })).body;
    const entry = aggregated.items.find((g: { metadata: { name: string } }) => g.metadata.name === group);
    expect(entry).toEqual({
      metadata: { name: group, creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          freshness: 'Current',
          resources: [
            {
              resource: 'widgets',
              responseKind: { group, version: 'v1', kind: 'Widget' },
              scope: 'Namespaced',
              singularResource: 'widget',
              verbs: crVerbs,
              shortNames: ['wd'],
              categories: ['all'],
              subresources: [
                { subresource: 'status', responseKind: { group, version: 'v1', kind: 'Widget' }, verbs: ['get', 'patch', 'update'] },
                { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
              ],
            },
          ],
        },
      ],
    });

    await deleteCrd(cluster, crd.metadata!.name!);
    await cluster.waitFor(async () => !Object.values(await discoveryViews()).some(Boolean), { description: 'the group to leave every discovery view' });
    // Outside every served group, upstream's last-resort handler answers in plain text.
    const gone = await api.get(`/apis/${group}/v1`);
    expect(gone.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(gone.text).toBe('404 page not found\n');
  });

  it('orders the versions of a CRD group by version priority, whatever the spec order', async () => {
    const versionsGroup = 'versions.conformance.example.com';
    const schema = { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
    await createCrd(cluster, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `gizmos.${versionsGroup}` },
      spec: {
        group: versionsGroup,
        scope: 'Cluster',
        names: { plural: 'gizmos', kind: 'Gizmo' },
        versions: [
          { name: 'v1alpha1', served: true, storage: false, schema },
          { name: 'v1beta1', served: true, storage: false, schema },
          { name: 'v1', served: true, storage: true, schema },
          { name: 'v2alpha1', served: false, storage: false, schema },
        ],
      },
    });
    await cluster.waitFor(async () => (await api.get(`/apis/${versionsGroup}`)).status === 200, { description: 'the group in discovery' });
    const groupDoc = (await api.get(`/apis/${versionsGroup}`)).body;
    expect(groupDoc.versions.map((v: { version: string }) => v.version)).toEqual(['v1', 'v1beta1', 'v1alpha1']);
    expect(groupDoc.preferredVersion).toEqual({ groupVersion: `${versionsGroup}/v1`, version: 'v1' });
    // An unserved version is no path at all.
    const unserved = await api.get(`/apis/${versionsGroup}/v2alpha1/gizmos`);
    expect(unserved.status).toBe(404);
    expect(unserved.text).toBe('404 page not found\n');
    // Every served version reports the storage version's hash.
    const beta = (await api.get(`/apis/${versionsGroup}/v1beta1`)).body.resources[0];
    expect(beta.storageVersionHash).toBe(storageHash(`${versionsGroup}/v1/Gizmo`));
  });
});
