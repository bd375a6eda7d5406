import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Api } from '../../src/client/api.ts';
import { startCluster, type TestCluster } from '../../src/testing.ts';

// Events as the server of this run accepts and lists them.

const Events = { apiVersion: 'v1', kind: 'Event' } as const;

let cluster: TestCluster;
let api: Api;
const namespace = `events-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  api = await connect({ kubeconfig: cluster.kubeconfigPath });
});

afterAll(async () => {
  await api?.close();
  await cluster?.delete('namespaces', namespace);
  await cluster?.stop();
});

async function eventsAbout(kind: string, name: string, inNamespace: string): Promise<CoreEvent[]> {
  const list = await api.list(Events, { namespace: inNamespace, fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}` });
  return list.items;
}

describe('posting events', () => {
  it('posts an event about a namespaced object, found by its involvedObject', async () => {
    const map = await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'subject', namespace } });
    const posted = await api.event(map, { type: 'Normal', reason: 'Configured', message: 'all good', instance: 'op-1' });
    expect(posted?.metadata?.name).toMatch(/^kopf-event-/);
    const [found, ...others] = await eventsAbout('ConfigMap', 'subject', namespace);
    expect(others).toEqual([]);
    expect(found).toMatchObject({
      type: 'Normal',
      reason: 'Configured',
      message: 'all good',
      action: 'Action?',
      reportingComponent: 'kopf',
      reportingInstance: 'op-1',
      source: { component: 'kopf' },
      involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'subject', namespace, uid: map.metadata!.uid },
    });
    expect(found.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(found.firstTimestamp).toMatch(/Z$/);
  });

  it('posts about cluster-scoped objects into default', async () => {
    const ns = await api.get({ apiVersion: 'v1', kind: 'Namespace' }, namespace);
    await api.event(ns, { type: 'Warning', reason: 'Noticed', message: 'about a namespace' });
    const [found] = await eventsAbout('Namespace', namespace, 'default');
    expect(found).toMatchObject({ type: 'Warning', reason: 'Noticed', metadata: { namespace: 'default' } });
    expect(found.involvedObject.namespace).toBeUndefined();
  });

  it('posts about cluster-scoped objects into another namespace when told, with the reference naming it', async () => {
    const ns = await api.get({ apiVersion: 'v1', kind: 'Namespace' }, namespace);
    await api.event(ns, { type: 'Normal', reason: 'Elsewhere', defaultNamespace: namespace });
    const [found] = await eventsAbout('Namespace', namespace, namespace);
    expect(found).toMatchObject({ reason: 'Elsewhere', metadata: { namespace }, involvedObject: { kind: 'Namespace', name: namespace, namespace } });
  });

  it('cuts messages to the 1024 characters the server accepts', async () => {
    const map = await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'talkative', namespace } });
    await api.event(map, { type: 'Normal', reason: 'Long', message: `${'a'.repeat(1000)}${'z'.repeat(1000)}` });
    const [found] = await eventsAbout('ConfigMap', 'talkative', namespace);
    expect(found.message).toHaveLength(1024);
    expect(found.message).toBe(`${'a'.repeat(511)}...${'z'.repeat(510)}`);
  });

  it('skips events about events without a request', async () => {
    const [event] = await eventsAbout('ConfigMap', 'subject', namespace);
    expect(await api.event({ ...event, apiVersion: 'v1', kind: 'Event' }, { type: 'Normal', reason: 'Echo' })).toBeUndefined();
    expect(await eventsAbout('Event', event.metadata!.name!, namespace)).toEqual([]);
  });

  it('posts about custom resources too', async () => {
    await cluster.apply(`
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: kopfexamples.kopf.dev }
spec:
  group: kopf.dev
  scope: Namespaced
  names: { plural: kopfexamples, singular: kopfexample, kind: KopfExample }
  versions:
    - { name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } } }
`);
    const example = await api.create({ apiVersion: 'kopf.dev/v1', kind: 'KopfExample', metadata: { name: 'ex1', namespace } });
    await api.event(example, { type: 'Normal', reason: 'Logging', message: "Handler 'create_fn' succeeded." });
    const [found] = await eventsAbout('KopfExample', 'ex1', namespace);
    expect(found.involvedObject).toMatchObject({ apiVersion: 'kopf.dev/v1', kind: 'KopfExample', name: 'ex1', namespace });
  });
});
