import { describe, expect, it } from 'vitest';
import { buildEvent, cutMessage, isEventObject, microTime, postEvent } from './events.ts';
import type { RequestOptions } from './transport.ts';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns1', uid: 'u-1', resourceVersion: '5' } };
const now = new Date('2026-01-02T03:04:05.678Z');

describe('buildEvent', () => {
  it('builds the core/v1 Event that Kopf posts, valid with eventTime set', () => {
    expect(buildEvent(pod, { type: 'Normal', reason: 'Created', message: 'done', instance: 'op-0' }, now)).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: 'kopf-event-', namespace: 'ns1' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'p1', uid: 'u-1', namespace: 'ns1' },
      type: 'Normal',
      reason: 'Created',
      message: 'done',
      action: 'Action?',
      reportingComponent: 'kopf',
      reportingInstance: 'op-0',
      source: { component: 'kopf' },
      firstTimestamp: '2026-01-02T03:04:05Z',
      lastTimestamp: '2026-01-02T03:04:05Z',
      eventTime: '2026-01-02T03:04:05.678000Z',
    });
  });

  it('puts events of cluster-scoped objects in default, without a namespace in the reference', () => {
    const event = buildEvent({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1', uid: 'u-2' } }, { type: 'Warning', reason: 'Odd' }, now)!;
    expect(event.metadata?.namespace).toBe('default');
    expect(event.involvedObject).toEqual({ apiVersion: 'v1', kind: 'Namespace', name: 'ns1', uid: 'u-2' });
    expect(event.message).toBe('');
  });

  it('puts events of cluster-scoped objects in the default namespace given', () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1', uid: 'u-2' } };
    const inSystem = buildEvent(namespace, { type: 'Normal', reason: 'R', defaultNamespace: 'kube-system' }, now)!;
    expect(inSystem.metadata?.namespace).toBe('kube-system');
    expect(inSystem.involvedObject.namespace).toBeUndefined();
    // Elsewhere the API requires the reference to name the Event's namespace.
    const inTeam = buildEvent(namespace, { type: 'Normal', reason: 'R', defaultNamespace: 'team-a' }, now)!;
    expect(inTeam.metadata?.namespace).toBe('team-a');
    expect(inTeam.involvedObject).toEqual({ apiVersion: 'v1', kind: 'Namespace', name: 'ns1', uid: 'u-2', namespace: 'team-a' });
  });

  it('keeps events of namespaced objects in their namespace, whatever the default', () => {
    const event = buildEvent(pod, { type: 'Normal', reason: 'R', defaultNamespace: 'team-a' }, now)!;
    expect(event.metadata?.namespace).toBe('ns1');
    expect(event.involvedObject.namespace).toBe('ns1');
  });

  it('takes the component, action, prefix and instance from the options, and cuts long fields', () => {
    const event = buildEvent(pod, { type: 'Normal', reason: 'R'.repeat(200), action: 'Reconcile', component: 'my-op', namePrefix: 'my-op-', instance: 'i'.repeat(300) }, now)!;
    expect(event.reason).toHaveLength(128);
    expect(event.reportingInstance).toHaveLength(128);
    expect(event.action).toBe('Reconcile');
    expect(event.reportingComponent).toBe('my-op');
    expect(event.source).toEqual({ component: 'my-op' });
    expect(event.metadata?.generateName).toBe('my-op-');
  });

  it('skips Events about Events, silently', () => {
    expect(buildEvent({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'ns1' } }, { type: 'Normal', reason: 'R' })).toBeUndefined();
    expect(isEventObject({ apiVersion: 'events.k8s.io/v1', kind: 'Event' })).toBe(true);
    expect(isEventObject({ apiVersion: 'example.com/v1', kind: 'Event' })).toBe(false);
  });

  it('refuses objects it cannot refer to', () => {
    expect(() => buildEvent({ apiVersion: 'v1', kind: 'Pod', metadata: {} }, { type: 'Normal', reason: 'R' })).toThrow(/metadata.name/);
  });
});

describe('cutMessage', () => {
  it('keeps messages up to 1024 characters', () => {
    expect(cutMessage('x'.repeat(1024))).toBe('x'.repeat(1024));
  });

  it('cuts longer ones in the middle to exactly 1024: 511, "...", 510', () => {
    const message = 'a'.repeat(600) + 'b'.repeat(600);
    const cut = cutMessage(message);
    expect(cut).toHaveLength(1024);
    expect(cut).toBe(`${'a'.repeat(511)}...${'b'.repeat(510)}`);
  });
});

describe('microTime', () => {
  it('has exactly six fractional digits', () => {
    expect(microTime(new Date('2026-01-02T03:04:05.000Z'))).toBe('2026-01-02T03:04:05.000000Z');
  });
});

describe('postEvent', () => {
  it('POSTs to the events of the namespace, without blind retries', async () => {
    const sent: RequestOptions[] = [];
    const transport = { request: async <T>(options: RequestOptions) => (sent.push(options), { posted: true } as T) };
    expect(await postEvent(transport, pod, { type: 'Normal', reason: 'R' })).toEqual({ posted: true });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/api/v1/namespaces/ns1/events' });
    expect(sent[0].retry).toBeUndefined();
  });

  it('sends nothing for an Event', async () => {
    const transport = { request: async () => expect.unreachable('an event about an event was posted') };
    expect(await postEvent(transport, { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' } }, { type: 'Normal', reason: 'R' })).toBeUndefined();
  });
});
