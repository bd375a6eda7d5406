import { describe, expect, it } from 'vitest';
import type { WatchedObject, WatchEvent } from '../core/watch-event.ts';
import { apiErrorFor } from './errors.ts';
import { describeRequest } from './request-subject.ts';
import { WatchHub, type WatchSubscription } from './watch-hub.ts';
import { ScriptedTransport } from './watch-scripted-transport.ts';

const configmaps = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
const cm = (name: string, rv: string, data: Record<string, string> = {}): WatchedObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: rv },
  data,
});
const list = (rv: string, ...items: WatchedObject[]) => ({ kind: 'ConfigMapList', metadata: { resourceVersion: rv }, items });
const settings = { useWatchList: false, backoff: { initialMs: 1, maxMs: 5 } };

function summary(events: WatchEvent[]): string[] {
  return events.map((e) => (e.type === 'SYNCED' ? 'SYNCED' : `${e.type} ${e.object.metadata?.name}@${e.object.metadata?.resourceVersion}${e.initial ? ' initial' : ''}`));
}

/** Reads a subscription in the background. */
function reader(subscription: WatchSubscription) {
  const state = { events: [] as WatchEvent[], error: undefined as unknown, done: false };
  const finished = (async () => {
    try {
      for await (const event of subscription) state.events.push(event);
    } catch (error) {
      state.error = error;
    } finally {
      state.done = true;
    }
  })();
  return { state, finished };
}

async function until(check: () => unknown, what: string): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('WatchHub', () => {
  it('shares one watch between subscribers of the same scope, and gives a late one the current objects first', async () => {
    const transport = new ScriptedTransport();
    transport.listAnswers.push(list('10', cm('a', '5')));
    const hub = new WatchHub(transport, settings);
    const early = reader(hub.subscribe(configmaps, { namespace: 'ns', labelSelector: 'b=2,a=1' }));
    await until(() => transport.streams.length === 1, 'the stream');
    transport.lastStream.send({ type: 'ADDED', object: cm('b', '11') });
    await until(() => early.state.events.length === 3, 'the live event');

    const late = reader(hub.subscribe(configmaps, { namespace: 'ns', labelSelector: 'a=1,b=2' }));
    transport.lastStream.send({ type: 'MODIFIED', object: cm('a', '12') });
    await until(() => late.state.events.length === 4, 'the late subscriber to catch up');
    expect(summary(early.state.events)).toEqual(['ADDED a@5 initial', 'SYNCED', 'ADDED b@11', 'MODIFIED a@12']);
    expect(summary(late.state.events)).toEqual(['ADDED a@5 initial', 'ADDED b@11 initial', 'SYNCED', 'MODIFIED a@12']);
    expect(transport.streams.length).toBe(1);
    expect(transport.lists.length).toBe(1);
    expect(hub.watchCount).toBe(1);
    hub.close();
    await Promise.all([early.finished, late.finished]);
  });

  it('runs separate watches for different namespaces and selectors', async () => {
    const transport = new ScriptedTransport();
    const hub = new WatchHub(transport, settings);
    const subscriptions = [hub.subscribe(configmaps, { namespace: 'a' }), hub.subscribe(configmaps, { namespace: 'b' }), hub.subscribe(configmaps, { namespace: 'a', labelSelector: 'x=1' }), hub.subscribe(configmaps)];
    await until(() => transport.streams.length === 4, 'four streams');
    expect(transport.lists.map((l) => `${l.path}?${l.query.labelSelector ?? ''}`).sort()).toEqual([
      '/api/v1/configmaps?',
      '/api/v1/namespaces/a/configmaps?',
      '/api/v1/namespaces/a/configmaps?x=1',
      '/api/v1/namespaces/b/configmaps?',
    ]);
    for (const subscription of subscriptions) subscription.close();
    expect(hub.watchCount).toBe(0);
  });

  it('stops the watch when the last subscriber leaves, and starts a new one for the next', async () => {
    const transport = new ScriptedTransport();
    const hub = new WatchHub(transport, settings);
    const first = hub.subscribe(configmaps);
    const second = hub.subscribe(configmaps);
    await until(() => transport.streams.length === 1, 'the stream');
    first.close();
    expect(transport.lastStream.aborted).toBe(false);
    // Leaving a `for await` loop closes the subscription too.
    transport.lastStream.send({ type: 'ADDED', object: cm('a', '2') });
    for await (const event of second) if (event.type === 'ADDED') break;
    await until(() => transport.lastStream.aborted, 'the stream to close');
    expect(hub.watchCount).toBe(0);

    const third = reader(hub.subscribe(configmaps));
    await until(() => transport.streams.length === 2, 'a new stream');
    expect(transport.lists.length).toBe(2);
    hub.close();
    await third.finished;
    expect(third.state.error).toBeUndefined();
  });

  it('pauses the watch while a subscriber has highWaterMark unread events', async () => {
    const transport = new ScriptedTransport();
    const hub = new WatchHub(transport, { ...settings, highWaterMark: 2 });
    const quick = reader(hub.subscribe(configmaps));
    const slow = hub.subscribe(configmaps);
    await until(() => transport.streams.length === 1, 'the stream');
    transport.lastStream.send(...['a', 'b', 'c', 'd', 'e'].map((name, i) => ({ type: 'ADDED', object: cm(name, String(10 + i)) })));
    // SYNCED and `a` fill the slow queue: the watch waits, so the quick reader gets no further.
    await until(() => quick.state.events.length === 2, 'the first events');
    await new Promise((resolve) => setImmediate(resolve));
    expect(quick.state.events.length).toBe(2);
    const slowEvents: WatchEvent[] = [];
    for (let i = 0; i < 6; i++) slowEvents.push((await slow.next()).value!);
    expect(summary(slowEvents)).toEqual(['SYNCED', 'ADDED a@10', 'ADDED b@11', 'ADDED c@12', 'ADDED d@13', 'ADDED e@14']);
    await until(() => quick.state.events.length === 6, 'the rest');
    hub.close();
    await quick.finished;
  });

  it('gives a DELETED inferred by a relist the last known state of the object', async () => {
    const transport = new ScriptedTransport();
    transport.listAnswers.push(list('10', cm('a', '5', { key: 'value' })), list('20'));
    const hub = new WatchHub(transport, settings);
    const subscription = reader(hub.subscribe(configmaps));
    await until(() => transport.streams.length === 1, 'the stream');
    transport.lastStream.send({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old' } });
    await until(() => subscription.state.events.length === 3, 'the synthesized deletion');
    expect(subscription.state.events[2]).toEqual({ type: 'DELETED', synthesized: true, object: cm('a', '5', { key: 'value' }) });
    hub.close();
    await subscription.finished;
  });

  it('ends every subscription with the error when the watch fails terminally, after the queued events', async () => {
    const transport = new ScriptedTransport();
    const denial = 'configmaps is forbidden: User "bot" cannot list resource "configmaps" in API group "" at the cluster scope';
    const hub = new WatchHub(transport, settings);
    transport.listAnswers.push(list('10', cm('a', '5')));
    const first = reader(hub.subscribe(configmaps));
    const second = reader(hub.subscribe(configmaps));
    await until(() => transport.streams.length === 1, 'the stream');
    transport.lastStream.send({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old' } });
    transport.listAnswers.push(apiErrorFor(403, { message: denial }, { request: describeRequest('GET', '/api/v1/configmaps') }));
    await Promise.all([first.finished, second.finished]);
    for (const { state } of [first, second]) {
      expect(summary(state.events)).toEqual(['ADDED a@5 initial', 'SYNCED']);
      expect(state.error).toMatchObject({ name: 'ForbiddenError', code: 403 });
    }
    expect(hub.watchCount).toBe(0);
  });

  it('tells which watch an incident belongs to', async () => {
    const transport = new ScriptedTransport();
    const told: string[] = [];
    const hub = new WatchHub(transport, { ...settings, onIncident: (incident, watch) => told.push(`${incident.kind} ${watch.resource.plural} in ${watch.scope.namespace}`) });
    const subscription = hub.subscribe(configmaps, { namespace: 'ns' });
    await until(() => transport.streams.length === 1, 'the stream');
    transport.lastStream.send({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old' } });
    await until(() => told.length === 1, 'the incident');
    expect(told).toEqual(['expired configmaps in ns']);
    subscription.close();
  });

  it('gives its watches the server timeout and the reconnect pause', async () => {
    const transport = new ScriptedTransport();
    const hub = new WatchHub(transport, { ...settings, serverTimeoutSeconds: 300, reconnectDelayMs: 1 });
    const subscription = hub.subscribe(configmaps);
    await until(() => transport.streams.length === 1, 'the stream');
    expect(transport.lastStream.query).toMatchObject({ watch: true, timeoutSeconds: 300 });
    transport.lastStream.send({ type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '3' } } });
    transport.lastStream.end();
    await until(() => transport.streams.length === 2, 'the reopened stream');
    expect(transport.lastStream.query).toMatchObject({ resourceVersion: '3', timeoutSeconds: 300 });
    subscription.close();
  });

  it('rejects a bad scope when subscribing', () => {
    const hub = new WatchHub(new ScriptedTransport(), settings);
    expect(() => hub.subscribe(configmaps, { labelSelector: 'a in (b' })).toThrow(/^cannot watch configmaps: /);
    expect(hub.watchCount).toBe(0);
  });
});
