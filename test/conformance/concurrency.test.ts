import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { apiOf, createCrd, createNamespace, expectStatus, jsonPatch, strategicPatch, widget, widgetCrd, type Api } from './support.ts';

const group = 'occ.conformance.example.com';
const ns = 'occ';
const cms = `/api/v1/namespaces/${ns}/configmaps`;
const widgets = `/apis/${group}/v1/namespaces/${ns}/widgets`;
const leases = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`;
const modified = 'the object has been modified; please apply your changes to the latest version and try again';

/** 422 for an update without resourceVersion: upstream names the resource where the kind would be, and prints Go's hex zero. */
function missingRv(resource: string, group: string, name: string) {
  const cause = { reason: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' };
  return { code: 422, reason: 'Invalid', message: `${resource}.${group} "${name}" is invalid: metadata.resourceVersion: ${cause.message}`, details: { name, group, kind: resource, causes: [cause] } };
}

describe('optimistic concurrency', () => {
  let cluster: TestCluster;
  let api: Api;

  beforeAll(async () => {
    cluster = await startCluster();
    api = apiOf(cluster);
    await createNamespace(cluster, ns);
    await createCrd(cluster, widgetCrd(group));
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('refuses a PUT with a stale resourceVersion and lets a built-in PUT without one win', async () => {
    const created = (await api.post(cms, { metadata: { name: 'c' }, data: { v: '1' } })).body;
    const first = await api.put(`${cms}/c`, { ...created, data: { v: '2' } });
    expect(first.status).toBe(200);
    expectStatus(await api.put(`${cms}/c`, { ...created, data: { v: '3' } }), {
      code: 409, reason: 'Conflict', message: `Operation cannot be fulfilled on configmaps "c": ${modified}`, details: { name: 'c', kind: 'configmaps' },
    });
    const unconditional = await api.put(`${cms}/c`, { metadata: { name: 'c' }, data: { v: '4' } });
    expect(unconditional.status).toBe(200);
    expect(unconditional.body.data).toEqual({ v: '4' });
  });

  it('requires a resourceVersion on PUTs of custom resources, their status, CRDs and Leases', async () => {
    const created = (await api.post(widgets, widget(group, 'w'))).body;
    const { resourceVersion: _rv, ...metadata } = created.metadata;
    expectStatus(await api.put(`${widgets}/w`, { ...created, metadata }), missingRv('widgets', group, 'w'));
    expectStatus(await api.put(`${widgets}/w/status`, { ...created, metadata, status: { phase: 'x' } }), missingRv('widgets', group, 'w'));
    expectStatus(await api.put(`${widgets}/w`, { ...created, spec: { size: 5 }, metadata: { ...created.metadata, resourceVersion: '1' } }), {
      code: 409, reason: 'Conflict', message: `Operation cannot be fulfilled on widgets.${group} "w": ${modified}`, details: { name: 'w', group, kind: 'widgets' },
    });
    const crdName = `widgets.${group}`;
    const crd = (await api.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crdName}`)).body;
    const { resourceVersion: _crdRv, ...crdMetadata } = crd.metadata;
    expectStatus(await api.put(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crdName}`, { ...crd, metadata: crdMetadata }), missingRv('customresourcedefinitions', 'apiextensions.k8s.io', crdName));
  });

  it('makes a resourceVersion in a patch a precondition, for every patch type', async () => {
    const created = (await api.post(cms, { metadata: { name: 'p' }, data: { v: '1' } })).body;
    const rv = created.metadata.resourceVersion;
    const updated = await api.patch(`${cms}/p`, { metadata: { resourceVersion: rv }, data: { v: '2' } });
    expect(updated.status).toBe(200);
    const conflict = { code: 409, reason: 'Conflict', message: `Operation cannot be fulfilled on configmaps "p": ${modified}`, details: { name: 'p', kind: 'configmaps' } };
    expectStatus(await api.patch(`${cms}/p`, { metadata: { resourceVersion: rv }, data: { v: '3' } }), conflict);
    expectStatus(await api.patch(`${cms}/p`, { metadata: { resourceVersion: rv }, data: { v: '3' } }, strategicPatch), conflict);
    expectStatus(await api.patch(`${cms}/p`, [{ op: 'replace', path: '/metadata/resourceVersion', value: rv }], jsonPatch), conflict);
    // Kopf's form: a JSON-patch test of the resourceVersion, which fails as 422.
    expectStatus(await api.patch(`${cms}/p`, [{ op: 'test', path: '/metadata/resourceVersion', value: rv }, { op: 'replace', path: '/data/v', value: '3' }], jsonPatch), {
      code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request', details: {},
    });
    const unconditional = await api.patch(`${cms}/p`, { data: { v: '3' } });
    expect(unconditional.body.data).toEqual({ v: '3' });
  });

  it('accepts a create whose resourceVersion is zero or unparsable', async () => {
    expect((await api.post(cms, { metadata: { name: 'zero', resourceVersion: '0' } })).status).toBe(201);
    expect((await api.post(cms, { metadata: { name: 'minus', resourceVersion: '-1' } })).status).toBe(201);
  });

  it('creates a Lease on PUT, then needs its resourceVersion, as leader election relies on', async () => {
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'leader', resourceVersion: '12345' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } };
    const created = await api.put(`${leases}/leader`, lease);
    expect(created.status).toBe(201);
    expect(created.body.spec).toEqual({ holderIdentity: 'a', leaseDurationSeconds: 15 });
    const { resourceVersion: _rv, ...metadata } = created.body.metadata;
    expectStatus(await api.put(`${leases}/leader`, { ...created.body, metadata, spec: { holderIdentity: 'b' } }), missingRv('leases', 'coordination.k8s.io', 'leader'));
    const renewed = await api.put(`${leases}/leader`, { ...created.body, spec: { holderIdentity: 'b', leaseDurationSeconds: 15 } });
    expect(renewed.status).toBe(200);
    expectStatus(await api.put(`${leases}/leader`, { ...created.body, spec: { holderIdentity: 'c' } }), {
      code: 409, reason: 'Conflict', message: `Operation cannot be fulfilled on leases.coordination.k8s.io "leader": ${modified}`, details: { name: 'leader', group: 'coordination.k8s.io', kind: 'leases' },
    });
    // Custom resources have no create-on-update.
    expectStatus(await api.put(`${widgets}/absent`, { ...widget(group, 'absent'), metadata: { name: 'absent', resourceVersion: '5' } }), {
      code: 404, reason: 'NotFound', message: `widgets.${group} "absent" not found`, details: { name: 'absent', group, kind: 'widgets' },
    });
  });
});
