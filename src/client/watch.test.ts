import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WatchedObject, WatchEvent } from '../core/watch-event.ts';
import { apiErrorFor } from './errors.ts';
import { describeRequest } from './request-subject.ts';
import { ScriptedTransport } from './watch-scripted-transport.ts';
import { watchResource, type WatchIncident, type WatchOptions, type WatchTransport } from './watch.ts';

const configmaps = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
const cm = (name: string, rv: string): WatchedObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: rv } });
const list = (rv: string, ...items: WatchedObject[]) => ({ kind: 'ConfigMapList', metadata: { resourceVersion: rv }, items });
const errorEvent = (code: number, message = 'boom') => ({ type: 'ERROR', object: { kind: 'Status', status: 'Failure', code, message } });
/** The error the transport throws for a failed list (or, with `watch`, a failed watch request). */
const fail = (code: number, message: string, options: { retryAfterSeconds?: number; watch?: boolean } = {}) =>
  apiErrorFor(code, { kind: 'Status', code, message }, { request: describeRequest('GET', '/api/v1/configmaps', { watch: options.watch }), retryAfterSeconds: options.retryAfterSeconds });
const fastBackoff = { initialMs: 1, maxMs: 5, factor: 2, jitter: 0 };

function summary(events: WatchEvent[]): string[] {
  return events.map((e) => (e.type === 'SYNCED' ? 'SYNCED' : `${e.type} ${e.object.metadata?.name}@${e.object.metadata?.resourceVersion}${e.initial ? ' initial' : ''}${e.synthesized ? ' synthesized' : ''}`));
}

/** Reads a watch in the background, as a consumer would. */
function consume(transport: WatchTransport, options: WatchOptions = {}) {
  const stop = new AbortController();
  const incidents: WatchIncident[] = [];
  const state = { events: [] as WatchEvent[], error: undefined as unknown, done: false };
  const finished = (async () => {
    try {
      for await (const event of watchResource(transport, configmaps, { backoff: fastBackoff, useWatchList: false, signal: stop.signal, onIncident: (i) => incidents.push(i), ...options })) {
        state.events.push(event);
      }
    } catch (error) {
      state.error = error;
    } finally {
      state.done = true;
    }
  })();
  return { state, incidents, stop: () => stop.abort(), finished };
}

/** Waits (on real macrotasks, so fake timers are not advanced) until `check` holds. */
async function until(check: () => unknown, what: string): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('watchResource', () => {
  it('lists, marks the initial objects and the end of the listing, then watches from the list resourceVersion with bookmarks', async () => {
    const transport = new ScriptedTransport();
    transport.listAnswers.push(list('10', cm('a', '5'), cm('b', '6')));
    const watch = consume(transport, { namespace: 'ns', labelSelector: 'app=web' });
    await until(() => transport.streams.length === 1, 'the watch stream');
    expect(transport.lists[0]).toEqual({ path: '/api/v1/namespaces/ns/configmaps', query: { labelSelector: 'app=web', fieldSelector: undefined, limit: 500, continue: undefined } });
    expect(transport.lastStream.query).toEqual({ labelSelector: 'app=web', fieldSelector: undefined, watch: true, resourceVersion: '10', allowWatchBookmarks: true });
    transport.lastStream.send({ type: 'MODIFIED', object: cm('a', '11') });
    await until(() => watch.state.events.length === 4, 'the live event');
    expect(summary(watch.state.events)).toEqual(['ADDED a@5 initial', 'ADDED b@6 initial', 'SYNCED', 'MODIFIED a@11']);
    watch.stop();
    await watch.finished;
    expect(watch.state.error).toBeUndefined();
    expect(transport.lastStream.aborted).toBe(true);
  });

  it('resumes from the last event or bookmark when a stream ends, at once when it had delivered events', async () => {
    const transport = new ScriptedTransport();
    const watch = consume(transport, { backoff: { initialMs: 60_000, maxMs: 60_000 } });
    await until(() => transport.streams.length === 1, 'the first stream');
    transport.lastStream.send({ type: 'ADDED', object: cm('a', '7') }, { type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '9' } } });
    transport.lastStream.end();
    await until(() => transport.streams.length === 2, 'the second stream');
    expect(transport.lastStream.query).toMatchObject({ resourceVersion: '9' });
    transport.lastStream.send({ type: 'MODIFIED', object: cm('a', '12') });
    transport.lastStream.break(new Error('socket hang up'));
    await until(() => transport.streams.length === 3, 'the third stream');
    expect(transport.lastStream.query).toMatchObject({ resourceVersion: '12' });
    expect(watch.incidents).toEqual([{ kind: 'failed', phase: 'stream', error: new Error('socket hang up'), delayMs: 0, resourceVersion: '12' }]);
    watch.stop();
    await watch.finished;
  });

  it('drops a stream silent for the inactivity timeout, exactly then, and resumes from its resourceVersion', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const transport = new ScriptedTransport();
    transport.listAnswers.push(list('10'));
    const watch = consume(transport, { inactivityTimeoutMs: 70_000 });
    await until(() => transport.streams.length === 1, 'the first stream');
    await vi.advanceTimersByTimeAsync(69_999);
    expect(transport.streams.length).toBe(1);
    transport.lastStream.send({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } });
    await until(() => true, 'nothing');
    await vi.advanceTimersByTimeAsync(69_999);
    expect(transport.streams.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => transport.streams.length === 2, 'the reconnect');
    expect(transport.streams[0].aborted).toBe(true);
    expect(transport.lastStream.query).toMatchObject({ resourceVersion: '15' });
    expect(watch.incidents).toEqual([{ kind: 'silent', phase: 'stream', delayMs: 0, resourceVersion: '15' }]);
    watch.stop();
    await watch.finished;
  });

  it('does not count the time a slow consumer takes as silence', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const transport = new ScriptedTransport();
    const iterator = watchResource(transport, configmaps, { useWatchList: false, inactivityTimeoutMs: 1000 });
    expect((await iterator.next()).value).toEqual({ type: 'SYNCED' });
    const next = iterator.next();
    await until(() => transport.streams.length === 1, 'the stream');
    transport.lastStream.send({ type: 'ADDED', object: cm('a', '2') }, { type: 'ADDED', object: cm('b', '3') });
    expect((await next).value).toMatchObject({ type: 'ADDED' });
    // The consumer holds the second event for far longer than the timeout.
    await vi.advanceTimersByTimeAsync(10_000);
    expect((await iterator.next()).value).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
    expect(transport.streams.length).toBe(1);
    expect(transport.lastStream.aborted).toBe(false);
    await iterator.return();
    expect(transport.lastStream.aborted).toBe(true);
  });

  it('relists on a 410 ERROR event and reports only the differences, with synthesized deletions', async () => {
    const transport = new ScriptedTransport();
    transport.listAnswers.push(list('10', cm('kept', '3'), cm('changed', '4'), cm('gone', '5')), list('30', cm('kept', '3'), cm('changed', '20'), cm('new', '25')));
    const watch = consume(transport);
    await until(() => transport.streams.length === 1, 'the stream');
    transport.lastStream.send(errorEvent(410, 'too old resource version: 10 (20)'));
    await until(() => transport.streams.length === 2, 'the stream after the relist');
    expect(transport.lists.length).toBe(2);
    expect(transport.lastStream.query).toMatchObject({ resourceVersion: '30' });
    expect(summary(watch.state.events.slice(4))).toEqual(['MODIFIED changed@20', 'ADDED new@25', 'DELETED gone@5 synthesized']);
    // Reported when the relist has begun: there is no resourceVersion to resume from.
    expect(watch.incidents).toEqual([expect.objectContaining({ kind: 'expired', phase: 'stream', resourceVersion: undefined })]);
    expect(String((watch.incidents[0].error as Error).message)).toContain('410 Expired: too old resource version');
    watch.stop();
    await watch.finished;
  });

  it('relists on an HTTP 410 for the watch request', async () => {
    const transport = new ScriptedTransport();
    transport.streamFailures.push(fail(410, 'too old', { watch: true }));
    const watch = consume(transport);
    await until(() => transport.streams.length === 1, 'the stream after the relist');
    expect(transport.lists.length).toBe(2);
    expect(watch.incidents).toMatchObject([{ kind: 'expired', phase: 'watch' }]);
    watch.stop();
    await watch.finished;
  });

  it('retries failed requests with growing jittered backoff, honouring Retry-After', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const transport = new ScriptedTransport();
    transport.listAnswers.push(fail(503, 'unavailable'), fail(503, 'unavailable'), fail(429, 'slow down', { retryAfterSeconds: 7 }));
    const watch = consume(transport, { backoff: { initialMs: 100, maxMs: 10_000, factor: 2, jitter: 0 } });
    await until(() => watch.incidents.length === 1, 'the first failure');
    await vi.advanceTimersByTimeAsync(99);
    expect(transport.lists.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => watch.incidents.length === 2, 'the second failure');
    await vi.advanceTimersByTimeAsync(200);
    await until(() => watch.incidents.length === 3, 'the third failure');
    expect(watch.incidents.map((i) => i.delayMs)).toEqual([100, 200, 7000]);
    await vi.advanceTimersByTimeAsync(6999);
    expect(transport.lists.length).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => transport.streams.length === 1, 'the stream');
    expect(watch.state.events).toEqual([{ type: 'SYNCED' }]);
    watch.stop();
    await watch.finished;
  });

  it('reconnects after ERROR events other than 410, from the same resourceVersion', async () => {
    const transport = new ScriptedTransport();
    transport.listAnswers.push(list('10'));
    const watch = consume(transport);
    await until(() => transport.streams.length === 1, 'the stream');
    transport.lastStream.send(errorEvent(500, 'etcd is sad'));
    await until(() => transport.streams.length === 2, 'the reconnect');
    expect(transport.lastStream.query).toMatchObject({ resourceVersion: '10' });
    expect(watch.incidents).toMatchObject([{ kind: 'failed', phase: 'stream' }]);
    watch.stop();
    await watch.finished;
  });

  it('ends with the error for bad credentials', async () => {
    const transport = new ScriptedTransport();
    transport.listAnswers.push(fail(401, 'Unauthorized'));
    const watch = consume(transport);
    await watch.finished;
    expect(watch.state.error).toMatchObject({ name: 'UnauthorizedError', code: 401 });
    expect((watch.state.error as Error).message).toMatch(/^list configmaps: 401 Unauthorized: the server rejected the credentials/);
  });

  it('ends with the error for a missing permission, in a list or as an ERROR event', async () => {
    const denial = 'configmaps is forbidden: User "system:serviceaccount:ns:bot" cannot watch resource "configmaps" in API group "" at the cluster scope';
    const transport = new ScriptedTransport();
    transport.listAnswers.push(fail(403, denial));
    const listed = consume(transport);
    await listed.finished;
    expect(listed.state.error).toMatchObject({ name: 'ForbiddenError', code: 403 });
    expect((listed.state.error as Error).message).toContain('a missing permission is terminal until RBAC grants it');

    const streaming = new ScriptedTransport();
    const watched = consume(streaming);
    await until(() => streaming.streams.length === 1, 'the stream');
    streaming.lastStream.send(errorEvent(403, denial));
    await watched.finished;
    expect(watched.state.error).toMatchObject({ name: 'ForbiddenError', code: 403 });
    expect((watched.state.error as Error).message).toMatch(/^watch configmaps: 403 Forbidden: configmaps is forbidden: User/);
  });

  it('retries a 403 that is not about permissions', async () => {
    const transport = new ScriptedTransport();
    transport.listAnswers.push(fail(403, 'unable to create new content in namespace ns because it is being terminated'));
    const watch = consume(transport);
    await until(() => transport.streams.length === 1, 'the stream');
    expect(watch.incidents).toMatchObject([{ kind: 'failed', phase: 'list' }]);
    watch.stop();
    await watch.finished;
  });

  it('streams the initial listing when the server offers it, and falls back to lists when it rejects the form', async () => {
    const offered = new ScriptedTransport();
    const streamed = consume(offered, { useWatchList: true });
    await until(() => offered.streams.length === 1, 'the watch-list stream');
    expect(offered.lists).toEqual([]);
    expect(offered.lastStream.query).toMatchObject({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
    offered.lastStream.send(
      { type: 'ADDED', object: cm('a', '4') },
      { type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '8', annotations: { 'k8s.io/initial-events-end': 'true' } } } },
      { type: 'ADDED', object: cm('b', '9') },
    );
    await until(() => streamed.state.events.length === 3, 'the events');
    expect(summary(streamed.state.events)).toEqual(['ADDED a@4 initial', 'SYNCED', 'ADDED b@9']);
    streamed.stop();
    await streamed.finished;

    const rejecting = new ScriptedTransport();
    rejecting.streamFailures.push(fail(422, 'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden', { watch: true }));
    rejecting.listAnswers.push(list('5', cm('a', '4')));
    const listed = consume(rejecting, { useWatchList: true, backoff: { initialMs: 60_000, maxMs: 60_000 } });
    await until(() => rejecting.streams.length === 1, 'the watch after the fallback');
    expect(rejecting.lists.length).toBe(1);
    expect(rejecting.lastStream.query).toMatchObject({ resourceVersion: '5' });
    expect(summary(listed.state.events)).toEqual(['ADDED a@4 initial', 'SYNCED']);
    expect(listed.incidents).toMatchObject([{ kind: 'watch-list-rejected', phase: 'watch', delayMs: 0 }]);
    listed.stop();
    await listed.finished;
  });

  it('asks the server to end each stream after serverTimeoutSeconds, and reopens it after the fixed pause, without an incident', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const transport = new ScriptedTransport();
    transport.listAnswers.push(list('10'));
    const watch = consume(transport, { serverTimeoutSeconds: 5, reconnectDelayMs: 100, backoff: { initialMs: 60_000, maxMs: 60_000 } });
    await until(() => transport.streams.length === 1, 'the first stream');
    expect(transport.lists[0].query.timeoutSeconds).toBeUndefined();
    expect(transport.lastStream.query).toEqual({ labelSelector: undefined, fieldSelector: undefined, watch: true, resourceVersion: '10', allowWatchBookmarks: true, timeoutSeconds: 5 });
    // The server ends the stream after the timeout, with nothing to deliver meanwhile.
    await vi.advanceTimersByTimeAsync(5000);
    transport.lastStream.end();
    await vi.advanceTimersByTimeAsync(99);
    expect(transport.streams.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => transport.streams.length === 2, 'the reopened stream');
    expect(transport.lastStream.query).toMatchObject({ resourceVersion: '10', timeoutSeconds: 5 });
    // A stream that delivered events and ended early ended normally too.
    transport.lastStream.send({ type: 'ADDED', object: cm('a', '12') });
    transport.lastStream.end();
    await until(() => watch.state.events.length === 2, 'the event');
    await vi.advanceTimersByTimeAsync(100);
    await until(() => transport.streams.length === 3, 'the stream after the events');
    expect(transport.lastStream.query).toMatchObject({ resourceVersion: '12' });
    expect(watch.incidents).toEqual([]);
    watch.stop();
    await watch.finished;
  });

  it('treats an empty stream ended before the server timeout as a failed attempt, paced by the backoff', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const transport = new ScriptedTransport();
    const watch = consume(transport, { serverTimeoutSeconds: 5, reconnectDelayMs: 100, backoff: { initialMs: 1000, maxMs: 1000, jitter: 0 } });
    await until(() => transport.streams.length === 1, 'the first stream');
    await vi.advanceTimersByTimeAsync(10);
    transport.lastStream.end();
    await vi.advanceTimersByTimeAsync(999);
    expect(transport.streams.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => transport.streams.length === 2, 'the retry');
    watch.stop();
    await watch.finished;
  });

  it('lists in one request, without limit, when pageSize is null', async () => {
    const transport = new ScriptedTransport();
    transport.listAnswers.push(list('10', cm('a', '5')));
    const watch = consume(transport, { pageSize: null });
    await until(() => transport.streams.length === 1, 'the watch stream');
    expect(transport.lists).toHaveLength(1);
    expect(transport.lists[0].query).toEqual({ labelSelector: undefined, fieldSelector: undefined, limit: undefined, continue: undefined });
    expect(summary(watch.state.events)).toEqual(['ADDED a@5 initial', 'SYNCED']);
    watch.stop();
    await watch.finished;
  });

  it('closes a stream after clientTimeoutMs and reopens it from its resourceVersion after the fixed pause, without an incident', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const transport = new ScriptedTransport();
    transport.listAnswers.push(list('10'));
    const watch = consume(transport, { clientTimeoutMs: 1000, reconnectDelayMs: 100, backoff: { initialMs: 60_000, maxMs: 60_000 } });
    await until(() => transport.streams.length === 1, 'the first stream');
    await vi.advanceTimersByTimeAsync(500);
    transport.lastStream.send({ type: 'ADDED', object: cm('a', '12') });
    await until(() => watch.state.events.length === 2, 'the event');
    // The lifetime counts from the request, not from the last event.
    await vi.advanceTimersByTimeAsync(499);
    expect(transport.lastStream.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => transport.lastStream.aborted, 'the closed stream');
    await vi.advanceTimersByTimeAsync(99);
    expect(transport.streams.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => transport.streams.length === 2, 'the reopened stream');
    expect(transport.lastStream.query).toMatchObject({ resourceVersion: '12' });
    // An idle stream that lasted the timeout ended normally too: the same fixed pause, not the backoff.
    await vi.advanceTimersByTimeAsync(1100);
    await until(() => transport.streams.length === 3, 'the stream after an idle one');
    expect(transport.lastStream.query).toMatchObject({ resourceVersion: '12' });
    expect(watch.incidents).toEqual([]);
    watch.stop();
    await watch.finished;
  });

  it('counts the wait for the response headers in clientTimeoutMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const opened: Array<{ query: unknown }> = [];
    // A server that never answers the watch request.
    const transport: WatchTransport = {
      request: async <T>() => list('10') as T,
      stream: (options) =>
        new Promise((_resolve, reject) => {
          opened.push({ query: options.query });
          options.signal?.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError')));
        }),
    };
    const watch = consume(transport, { clientTimeoutMs: 1000, reconnectDelayMs: 100 });
    await until(() => opened.length === 1, 'the first request');
    await vi.advanceTimersByTimeAsync(1100);
    await until(() => opened.length === 2, 'the second request');
    expect(opened[1].query).toMatchObject({ resourceVersion: '10' });
    expect(watch.incidents).toEqual([]);
    watch.stop();
    await watch.finished;
  });

  it('checks its options before it starts', () => {
    const transport = new ScriptedTransport();
    expect(() => watchResource(transport, configmaps, { labelSelector: 'a in (b' })).toThrow(/^cannot watch configmaps: /);
    expect(() => watchResource(transport, configmaps, { fieldSelector: 'nonsense' })).toThrow(/^cannot watch configmaps: invalid selector/);
    expect(() => watchResource(transport, { ...configmaps, plural: 'nodes', namespaced: false }, { namespace: 'x' })).toThrow('cluster-scoped');
    expect(() => watchResource(transport, configmaps, { inactivityTimeoutMs: 0 })).toThrow('inactivityTimeoutMs');
    expect(() => watchResource(transport, configmaps, { backoff: { factor: 0.5 } })).toThrow('factor');
    expect(() => watchResource(transport, configmaps, { serverTimeoutSeconds: 0 })).toThrow('serverTimeoutSeconds must be a positive integer, not 0');
    expect(() => watchResource(transport, configmaps, { serverTimeoutSeconds: 1.5 })).toThrow('serverTimeoutSeconds must be a positive integer, not 1.5');
    expect(() => watchResource(transport, configmaps, { reconnectDelayMs: -1 })).toThrow('reconnectDelayMs must be a non-negative number of milliseconds, not -1');
    expect(transport.lists).toEqual([]);
  });

  it('ends quietly when its signal is aborted while waiting to retry', async () => {
    const transport = new ScriptedTransport();
    transport.listAnswers.push(fail(503, 'unavailable'));
    const watch = consume(transport, { backoff: { initialMs: 60_000, maxMs: 60_000 } });
    await until(() => watch.incidents.length === 1, 'the failure');
    watch.stop();
    await watch.finished;
    expect(watch.state.error).toBeUndefined();
    expect(transport.lists.length).toBe(1);
  });
});
