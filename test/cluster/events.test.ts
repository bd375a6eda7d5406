import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';

const microTime = () => new Date().toISOString().replace('Z', '000Z');

/** Events as Kopf and kubectl use them: core/v1, events.k8s.io/v1, and the field selectors of `kubectl describe`. */
describe('events', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('serves one storage through core/v1 and events.k8s.io/v1', async () => {
    const created = await cluster.request('POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { generateName: 'ev-' },
      eventTime: microTime(),
      reportingController: 'example.com/ctl',
      reportingInstance: 'ctl-1',
      action: 'Reconcile',
      reason: 'Reconciled',
      type: 'Normal',
      note: 'all good',
      regarding: { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm1', namespace: 'default', uid: 'u-1' },
    });
    expect(created.status).toBe(201);
    expect(created.body.note).toBe('all good');
    const name = created.body.metadata.name;
    const core = await cluster.request('GET', `/api/v1/namespaces/default/events/${name}`);
    expect(core.body).toMatchObject({ apiVersion: 'v1', kind: 'Event', message: 'all good', reportingComponent: 'example.com/ctl', involvedObject: { name: 'cm1', uid: 'u-1' } });
    expect(core.body.note).toBeUndefined();
  });

  it('requires the events.k8s.io/v1 fields on create', async () => {
    const response = await cluster.request('POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
      apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'incomplete' }, type: 'Normal', reason: 'X',
    });
    expect(response.status).toBe(422);
    expect(response.body.message).toBe('Event "incomplete" is invalid: eventTime: Required value');
    const partial = await cluster.request('POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
      apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'partial' }, eventTime: microTime(), type: 'Normal',
      reason: 'X', action: 'Y', reportingController: 'a/b', reportingInstance: 'i', deprecatedCount: 3,
    });
    expect(partial.status).toBe(422);
    expect(partial.body.message).toBe('Event "partial" is invalid: count: Invalid value: "": needs to be unset');
  });

  it('accepts the core/v1 events Kopf posts and finds them by involvedObject', async () => {
    const now = microTime();
    const event = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { generateName: 'kopf-event-', namespace: 'default' },
      action: 'Action?', type: 'Normal', reason: 'Logging', message: 'Handler succeeded.',
      reportingComponent: 'kopf', reportingInstance: 'dev', source: { component: 'kopf' },
      firstTimestamp: now, lastTimestamp: now, eventTime: now,
      involvedObject: { apiVersion: 'kopf.dev/v1', kind: 'KopfExample', name: 'ex1', namespace: 'default', uid: 'u-2' },
    };
    expect((await cluster.request('POST', '/api/v1/namespaces/default/events', event)).status).toBe(201);
    const selector = encodeURIComponent('involvedObject.name=ex1,involvedObject.namespace=default,involvedObject.uid=u-2,involvedObject.kind=KopfExample');
    const list = await cluster.request('GET', `/api/v1/namespaces/default/events?fieldSelector=${selector}`);
    expect(list.body.items.map((e: { message: string }) => e.message)).toEqual(['Handler succeeded.']);
    const long = await cluster.request('POST', '/api/v1/namespaces/default/events', { ...event, message: 'x'.repeat(1025) });
    expect(long.status).toBe(422);
    expect(long.body.message).toContain('can have at most 1024 characters');
  });
});
