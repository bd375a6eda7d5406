import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { watchOpener, type WatchStream } from '../support/watch-stream.ts';
import { apiOf, createCrd, createNamespace, expectStatus, masked, times, widget, widgetCrd, type Api } from './support.ts';

const group = 'del.conformance.example.com';
const ns = 'del';
const cms = `/api/v1/namespaces/${ns}/configmaps`;
const pods = `/api/v1/namespaces/${ns}/pods`;
const widgets = `/apis/${group}/v1/namespaces/${ns}/widgets`;
const hold = 'example.com/hold';

const pod = (name: string, spec: Record<string, unknown> = {}) => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } });

describe('finalizers and the deletion state machine', () => {
  let cluster: TestCluster;
  let api: Api;
  let watches: ReturnType<typeof watchOpener>;

  /** Opens a watch on one object from the current resourceVersion. */
  const watchOne = async (collection: string, name: string) => {
    const rv = (await api.get(collection)).body.metadata.resourceVersion;
    return watches.open(`${collection}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3D${name}`);
  };
  const received = (stream: WatchStream, count: number) => cluster.waitFor(() => stream.events.length >= count, { description: `${count} watch events` });

  beforeAll(async () => {
    cluster = await startCluster();
    api = apiOf(cluster);
    watches = watchOpener(cluster);
    await createNamespace(cluster, ns, { serviceAccount: true });
    await createCrd(cluster, widgetCrd(group));
  });
  afterAll(async () => {
    await watches?.close();
    await cluster?.stop();
  });

  it('removes an object without finalizers at once, answering a Success Status or the object per kind', async () => {
    const created = (await api.post(cms, { metadata: { name: 'plain' } })).body;
    const deleted = await api.del(`${cms}/plain`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'plain', kind: 'configmaps', uid: created.metadata.uid } });
    const custom = (await api.post(widgets, widget(group, 'plain'))).body;
    expect((await api.del(`${widgets}/plain`)).body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'plain', group, kind: 'widgets', uid: custom.metadata.uid } });
    expectStatus(await api.del(`${cms}/plain`), { code: 404, reason: 'NotFound', message: 'configmaps "plain" not found', details: { name: 'plain', kind: 'configmaps' } });
  });

  it('deletes an unscheduled pod in two writes: MODIFIED with deletionTimestamp, then DELETED', async () => {
    await api.post(pods, pod('quick'));
    const stream = await watchOne(pods, 'quick');
    const deleted = await api.del(`${pods}/quick`, { propagationPolicy: 'Background' });
    expect(deleted.status).toBe(200);
    expect(deleted.body.kind).toBe('Pod');
    expect(deleted.body.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(deleted.body.metadata.deletionTimestamp).toEqual(expect.any(String));
    await received(stream, 2);
    stream.close();
    expect(stream.events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
    expect(stream.events[0].object.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(Number(stream.events[1].object.metadata.resourceVersion)).toBeGreaterThan(Number(stream.events[0].object.metadata.resourceVersion));
    expect((await api.get(`${pods}/quick`)).status).toBe(404);
  });

  it('deletes a scheduled pod gracefully, and at once when the grace period is shortened to 0', async () => {
    await api.post(pods, pod('slow', { nodeName: 'somewhere' }));
    const graceful = await api.del(`${pods}/slow`);
    expect(graceful.body.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(graceful.body.metadata.generation).toBeUndefined();
    const again = await api.del(`${pods}/slow`);
    expect(again.body.metadata.resourceVersion).toBe(graceful.body.metadata.resourceVersion);
    const stream = await watchOne(pods, 'slow');
    const final = await api.del(`${pods}/slow`, { gracePeriodSeconds: 0 });
    expect(final.status).toBe(200);
    expect(final.body.metadata.deletionGracePeriodSeconds).toBe(0);
    await received(stream, 2);
    stream.close();
    expect(stream.events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
  });

  it('holds an object with finalizers: deletionTimestamp, generation +1, then DELETED with the last state once they are gone', async () => {
    const created = (await api.post(widgets, widget(group, 'held', { size: 1 }, { finalizers: [hold, 'example.com/second'] }))).body;
    const stream = await watchOne(widgets, 'held');
    const deleting = await api.del(`${widgets}/held`);
    expect(deleting.status).toBe(200);
    expect(masked(deleting.body)).toMatchObject({
      kind: 'Widget',
      metadata: { deletionTimestamp: '<deletionTimestamp>', deletionGracePeriodSeconds: 0, finalizers: [hold, 'example.com/second'], generation: created.metadata.generation + 1 },
    });
    // Once deleting, finalizers may only go.
    const forbidden = { reason: 'FieldValueForbidden', field: 'metadata.finalizers', message: 'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/new"}' };
    expectStatus(await api.patch(`${widgets}/held`, { metadata: { finalizers: [hold, 'example.com/second', 'example.com/new'] } }), {
      code: 422, reason: 'Invalid', message: `Widget.${group} "held" is invalid: metadata.finalizers: ${forbidden.message}`, details: { name: 'held', group, kind: 'Widget', causes: times(2, forbidden) },
    });
    const grace = { reason: 'FieldValueInvalid', field: 'metadata.deletionGracePeriodSeconds', message: 'Invalid value: 30: field is immutable' };
    expectStatus(await api.patch(`${widgets}/held`, { metadata: { deletionGracePeriodSeconds: 30 } }), {
      code: 422, reason: 'Invalid', message: `Widget.${group} "held" is invalid: metadata.deletionGracePeriodSeconds: ${grace.message}`, details: { name: 'held', group, kind: 'Widget', causes: times(2, grace) },
    });
    // Other changes are still allowed, and a deletionTimestamp sent back unchanged is fine.
    const changed = await api.patch(`${widgets}/held`, { metadata: { finalizers: [hold] }, spec: { size: 2 } });
    expect(changed.status).toBe(200);
    const last = await api.patch(`${widgets}/held`, { metadata: { finalizers: null } });
    expect(last.status).toBe(200);
    expect(last.body.metadata.finalizers).toBeUndefined();
    await received(stream, 3);
    stream.close();
    expect(stream.events.map((e) => e.type)).toEqual(['MODIFIED', 'MODIFIED', 'DELETED']);
    // The DELETED event carries the last stored state, finalizer included.
    expect(stream.events[2].object.metadata.finalizers).toEqual([hold]);
    expect(stream.events[2].object.spec.size).toBe(2);
    expect((await api.get(`${widgets}/held`)).status).toBe(404);
  });

  it('checks delete preconditions, naming the Kind', async () => {
    const created = (await api.post(cms, { metadata: { name: 'pre' } })).body;
    const otherUid = '12345678-1234-1234-1234-123456789012';
    expectStatus(await api.del(`${cms}/pre`, { preconditions: { uid: otherUid } }), {
      code: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on ConfigMap "pre": the UID in the precondition (${otherUid}) does not match the UID in record (${created.metadata.uid}). The object might have been deleted and then recreated`,
      details: { name: 'pre', kind: 'ConfigMap' },
    });
    expectStatus(await api.del(`${cms}/pre`, { preconditions: { resourceVersion: '1' } }), {
      code: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on ConfigMap "pre": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${created.metadata.resourceVersion}). The object might have been modified`,
      details: { name: 'pre', kind: 'ConfigMap' },
    });
    const custom = (await api.post(widgets, widget(group, 'pre'))).body;
    expectStatus(await api.del(`${widgets}/pre`, { preconditions: { uid: otherUid } }), {
      code: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on Widget.${group} "pre": the UID in the precondition (${otherUid}) does not match the UID in record (${custom.metadata.uid}). The object might have been deleted and then recreated`,
      details: { name: 'pre', group, kind: 'Widget' },
    });
    expect((await api.del(`${cms}/pre`, { preconditions: { uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion } })).status).toBe(200);
  });

  it('reads DeleteOptions from the body, or from the query only when the body is empty', async () => {
    const unsupported = {
      code: 422,
      reason: 'Invalid',
      message: 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Bogus": supported values: "Foreground", "Background", "Orphan", "nil"',
      details: {
        group: 'meta.k8s.io',
        kind: 'DeleteOptions',
        causes: [{ reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: 'Unsupported value: "Bogus": supported values: "Foreground", "Background", "Orphan", "nil"' }],
      },
    };
    await api.post(cms, { metadata: { name: 'opts' } });
    expectStatus(await api.del(`${cms}/opts`, { propagationPolicy: 'Bogus' }), unsupported);
    expectStatus(await api.del(`${cms}/opts?propagationPolicy=Bogus`), unsupported);
    const both = 'orphanDependents and deletionPropagation cannot be both set';
    expect((await api.del(`${cms}/opts`, { propagationPolicy: 'Orphan', orphanDependents: true })).body).toMatchObject({ code: 422, reason: 'Invalid', details: { kind: 'DeleteOptions' } });
    expect((await api.del(`${cms}/opts`, { propagationPolicy: 'Orphan', orphanDependents: true })).body.message).toContain(both);
    expectStatus(await api.del(`${cms}/opts`, '{bad'), { code: 500, message: /^couldn't get version\/kind; json parse error: / });
    const dryRun = await api.del(`${cms}/opts?dryRun=All`);
    expect(dryRun.status).toBe(200);
    expect((await api.get(`${cms}/opts`)).status).toBe(200);
    // A non-empty body wins: the bad query policy is not even looked at.
    expect((await api.del(`${cms}/opts?propagationPolicy=Bogus`, {})).status).toBe(200);
    expect((await api.get(`${cms}/opts`)).status).toBe(404);
  });

  it('deletes a collection by selector, answering the list of what it deleted', async () => {
    await api.post(cms, { metadata: { name: 'col-1', labels: { batch: 'x' } } });
    await api.post(cms, { metadata: { name: 'col-2', labels: { batch: 'x' } } });
    await api.post(cms, { metadata: { name: 'col-3', labels: { batch: 'y' } } });
    const deleted = await api.del(`${cms}?labelSelector=batch%3Dx`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String) } });
    expect(deleted.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['col-1', 'col-2']);
    expect(deleted.body.items[0].kind).toBeUndefined();
    expect((await api.get(`${cms}?labelSelector=batch`)).body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['col-3']);
  });
});
