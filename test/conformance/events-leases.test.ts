import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { apiOf, createNamespace, expectStatus, masked, names, type Api } from './support.ts';

const ns = 'ev';
const events = `/api/v1/namespaces/${ns}/events`;
const leases = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`;

/** An event as Kopf posts it: generateName, both timestamps and eventTime with a `+00:00` offset. */
const kopfEvent = {
  metadata: { generateName: 'kopf-event-' },
  involvedObject: { kind: 'Widget', apiVersion: 'example.com/v1', name: 'w1', namespace: ns, uid: 'uid-1' },
  reason: 'Logging',
  message: 'hello',
  type: 'Normal',
  source: { component: 'kopf' },
  firstTimestamp: '2026-01-02T03:04:05.123456+00:00',
  lastTimestamp: '2026-01-02T03:04:05.123456+00:00',
  eventTime: '2026-01-02T03:04:05.123456+00:00',
  action: 'Action?',
  reportingComponent: 'kopf',
  reportingInstance: 'dev',
};

describe('events and leases', () => {
  let cluster: TestCluster;
  let api: Api;

  beforeAll(async () => {
    cluster = await startCluster();
    api = apiOf(cluster);
    await createNamespace(cluster, ns);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  describe('core/v1 Events', () => {
    it('accepts the events Kopf posts, normalizing their timestamps to UTC', async () => {
      const created = await api.post(events, kopfEvent);
      expect(created.status).toBe(201);
      expect(created.body.metadata.name).toMatch(/^kopf-event-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(masked(created.body)).toEqual({
        ...kopfEvent,
        kind: 'Event',
        apiVersion: 'v1',
        metadata: { generateName: 'kopf-event-', name: created.body.metadata.name, namespace: ns, uid: '<uid>', resourceVersion: '<resourceVersion>', creationTimestamp: '<creationTimestamp>' },
        involvedObject: { ...kopfEvent.involvedObject, uid: '<uid>' },
        firstTimestamp: '2026-01-02T03:04:05Z',
        lastTimestamp: '2026-01-02T03:04:05Z',
        eventTime: '2026-01-02T03:04:05.123456Z',
      });
    });

    it('fills the fields Go always serializes, and checks less without eventTime', async () => {
      const created = await api.post(events, { metadata: { name: 'bare' }, involvedObject: { kind: 'Pod', name: 'p', namespace: ns }, reason: 'R', message: 'x'.repeat(1025), type: 'Whatever', firstTimestamp: '2026-01-02T03:04:05.5+02:00' });
      expect(created.status).toBe(201);
      const { message, ...rest } = masked(created.body) as Record<string, unknown>;
      expect(message).toHaveLength(1025);
      expect(rest).toEqual({
        kind: 'Event',
        apiVersion: 'v1',
        metadata: { name: 'bare', namespace: ns, uid: '<uid>', resourceVersion: '<resourceVersion>', creationTimestamp: '<creationTimestamp>' },
        involvedObject: { kind: 'Pod', name: 'p', namespace: ns },
        reason: 'R',
        type: 'Whatever',
        source: {},
        firstTimestamp: '2026-01-02T01:04:05Z',
        lastTimestamp: null,
        eventTime: null,
        reportingComponent: '',
        reportingInstance: '',
      });
      expectStatus(await api.post(events, { metadata: { name: 'elsewhere' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' }, reason: 'R' }), {
        code: 422,
        reason: 'Invalid',
        message: 'Event "elsewhere" is invalid: involvedObject.namespace: Invalid value: "other": does not match event.namespace',
        details: { name: 'elsewhere', kind: 'Event', causes: [{ reason: 'FieldValueInvalid', field: 'involvedObject.namespace', message: 'Invalid value: "other": does not match event.namespace' }] },
      });
    });

    it('requires the reporting fields and a short message once eventTime is set', async () => {
      const base = { involvedObject: { kind: 'Pod', name: 'p', namespace: ns }, eventTime: '2026-01-02T03:04:05.123456Z', reason: 'R', message: 'm' };
      const qualified = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
      expectStatus(await api.post(events, { ...base, metadata: { name: 'new-style' } }), {
        code: 422,
        reason: 'Invalid',
        message: `Event "new-style" is invalid: [reportingComponent: Required value, reportingComponent: Invalid value: "": name part must be non-empty, reportingComponent: Invalid value: "": ${qualified}, reportingInstance: Required value, action: Required value]`,
        details: {
          name: 'new-style',
          kind: 'Event',
          causes: [
            { reason: 'FieldValueRequired', field: 'reportingComponent', message: 'Required value' },
            { reason: 'FieldValueInvalid', field: 'reportingComponent', message: 'Invalid value: "": name part must be non-empty' },
            { reason: 'FieldValueInvalid', field: 'reportingComponent', message: `Invalid value: "": ${qualified}` },
            { reason: 'FieldValueRequired', field: 'reportingInstance', message: 'Required value' },
            { reason: 'FieldValueRequired', field: 'action', message: 'Required value' },
          ],
        },
      });
      const reporting = { reportingComponent: 'c', reportingInstance: 'i', action: 'a' };
      expectStatus(await api.post(events, { ...base, ...reporting, metadata: { name: 'long' }, message: 'x'.repeat(1025) }), {
        code: 422,
        reason: 'Invalid',
        message: 'Event "long" is invalid: message: Invalid value: "": can have at most 1024 characters',
        details: { name: 'long', kind: 'Event', causes: [{ reason: 'FieldValueInvalid', field: 'message', message: 'Invalid value: "": can have at most 1024 characters' }] },
      });
      // Without a namespace for the involved object, only default and kube-system events pass.
      expectStatus(await api.post(events, { ...base, ...reporting, metadata: { name: 'nons' }, involvedObject: { kind: 'Pod', name: 'p' } }), {
        code: 422,
        reason: 'Invalid',
        message: 'Event "nons" is invalid: involvedObject.namespace: Invalid value: "": does not match event.namespace',
        details: { name: 'nons', kind: 'Event', causes: [{ reason: 'FieldValueInvalid', field: 'involvedObject.namespace', message: 'Invalid value: "": does not match event.namespace' }] },
      });
      const inDefault = await api.post('/api/v1/namespaces/default/events', { ...base, ...reporting, metadata: { name: 'nons' }, involvedObject: { kind: 'Pod', name: 'p' }, eventTime: '2026-01-02T03:04:05.123456+02:00', series: { count: 2, lastObservedTime: '2026-01-02T03:04:05.999999Z' } });
      expect(inDefault.status).toBe(201);
      expect(inDefault.body.eventTime).toBe('2026-01-02T01:04:05.123456Z');
      expect(inDefault.body.series).toEqual({ count: 2, lastObservedTime: '2026-01-02T03:04:05.999999Z' });
    });

    it('refuses timestamps its typed fields cannot parse', async () => {
      expectStatus(await api.post(events, { metadata: { name: 'micro' }, involvedObject: { kind: 'Pod', name: 'p', namespace: ns }, eventTime: '2026-01-02T03:04:05Z', reportingComponent: 'c', reportingInstance: 'i', action: 'a', reason: 'R' }), {
        code: 400, reason: 'BadRequest', message: 'Event in version "v1" cannot be handled as a Event: parsing time "2026-01-02T03:04:05Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
      });
      expectStatus(await api.post(events, { metadata: { name: 'garbage' }, involvedObject: { kind: 'Pod', name: 'p', namespace: ns }, firstTimestamp: 'garbage', reason: 'R' }), {
        code: 400, reason: 'BadRequest', message: 'Event in version "v1" cannot be handled as a Event: parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006"',
      });
    });

    it('filters by the involvedObject field selectors kubectl describe and Kopf use', async () => {
      await api.post(events, { metadata: { name: 'other-object' }, involvedObject: { kind: 'Pod', apiVersion: 'v1', name: 'w1', namespace: ns, uid: 'uid-2' }, reason: 'Started', type: 'Warning', source: { component: 'kubelet' } });
      const select = async (selector: string) => (await api.get(`${events}?fieldSelector=${encodeURIComponent(selector)}`)).body.items.map((e: { reason: string }) => e.reason).sort();
      expect(await select(`involvedObject.name=w1,involvedObject.namespace=${ns},involvedObject.uid=uid-1`)).toEqual(['Logging']);
      expect(await select('involvedObject.kind=Pod,involvedObject.apiVersion=v1,involvedObject.name=w1')).toEqual(['Started']);
      expect(await select('involvedObject.name=w1')).toEqual(['Logging', 'Started']);
      expect(await select('reason=Logging,type=Normal,source=kopf,reportingComponent=kopf')).toEqual(['Logging']);
      expect(await select('source=kubelet')).toEqual(['Started']);
      expect(await select('type!=Normal,involvedObject.name=w1')).toEqual(['Started']);
      expect(names((await api.get(`${events}?fieldSelector=metadata.name%3Dbare`)).body)).toEqual(['bare']);
      expectStatus(await api.get(`${events}?fieldSelector=involvedObject.bogus%3Dx`), { code: 400, reason: 'BadRequest', message: 'field label not supported: involvedObject.bogus' });
    });
  });

  describe('coordination.k8s.io/v1 Leases', () => {
    it('stores lease times in MicroTime form and validates durations', async () => {
      const created = await api.post(leases, { metadata: { name: 'l' }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: '2026-01-02T03:04:05.123456+01:00', renewTime: '2026-01-02T03:04:05.654321Z', leaseTransitions: 0 } });
      expect(created.status).toBe(201);
      expect(created.body.spec).toEqual({ holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: '2026-01-02T02:04:05.123456Z', renewTime: '2026-01-02T03:04:05.654321Z', leaseTransitions: 0 });
      expect(created.body.metadata.generation).toBeUndefined();
      expectStatus(await api.post(leases, { metadata: { name: 'bad' }, spec: { leaseDurationSeconds: -1, leaseTransitions: -2 } }), {
        code: 422,
        reason: 'Invalid',
        message: 'Lease.coordination.k8s.io "bad" is invalid: [spec.leaseDurationSeconds: Invalid value: -1: must be greater than 0, spec.leaseTransitions: Invalid value: -2: must be greater than or equal to 0]',
        details: {
          name: 'bad',
          group: 'coordination.k8s.io',
          kind: 'Lease',
          causes: [
            { reason: 'FieldValueInvalid', field: 'spec.leaseDurationSeconds', message: 'Invalid value: -1: must be greater than 0' },
            { reason: 'FieldValueInvalid', field: 'spec.leaseTransitions', message: 'Invalid value: -2: must be greater than or equal to 0' },
          ],
        },
      });
      expectStatus(await api.post(leases, { metadata: { name: 'bad' }, spec: { renewTime: '2026-01-02T03:04:05.1+01:00' } }), {
        code: 400, reason: 'BadRequest', message: 'Lease in version "v1" cannot be handled as a Lease: parsing time "2026-01-02T03:04:05.1+01:00" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".1+01:00" as ".000000"',
      });
    });
  });
});
