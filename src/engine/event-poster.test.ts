import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventOptions } from '../client/events.ts';
import type { JsonObject } from '../core/field-path.ts';
import { Settings, type PostingSettings } from '../registry/settings.ts';
import { EventPoster } from './event-poster.ts';
import { createLogger, type ObjectRecord } from './logging.ts';

const podA = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'ns1', uid: 'u-a' } };
const podB = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b', namespace: 'ns1', uid: 'u-b' } };

interface Call {
  object: JsonObject;
  event: EventOptions;
  /** Fake-clock milliseconds when the POST started. */
  at: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** A poster whose POSTs wait until the test settles them (or answer at once when `autoResolve`). */
function setup(overrides: Partial<PostingSettings> = {}, autoResolve = false) {
  const posting = { ...Settings().posting, ...overrides };
  const calls: Call[] = [];
  const lines: string[] = [];
  const records: ObjectRecord[] = [];
  const logger = createLogger({ format: 'plain', output: { write: (text: string) => lines.push(text) }, onObjectRecord: (r) => records.push(r) });
  const post = (object: JsonObject, event: EventOptions) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ object, event, at: Date.now(), resolve, reject });
      if (autoResolve) resolve();
    });
  const poster = new EventPoster({ post, settings: () => posting, logger });
  return { poster, calls, lines, records, posting };
}

const event = (reason: string) => ({ type: 'Normal', reason, message: `${reason}!` });
const reasons = (calls: Call[]) => calls.map((c) => `${c.object.metadata && (c.object.metadata as JsonObject).name}:${c.event.reason}`);

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('EventPoster', () => {
  it('posts each Event with the reporting settings, without making the caller wait', async () => {
    const { poster, calls } = setup({ reportingComponent: 'my-op', reportingInstance: 'op-0', eventNamePrefix: 'my-op-' });
    expect(poster.post(podA, { type: 'Warning', reason: 'Odd', message: 'hm' })).toBeUndefined();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    expect(calls[0].object).toBe(podA);
    expect(calls[0].event).toMatchObject({ type: 'Warning', reason: 'Odd', message: 'hm', component: 'my-op', instance: 'op-0', namePrefix: 'my-op-' });
    expect(calls[0].event.signal).toBeInstanceOf(AbortSignal);
  });

  it('posts one object’s Events in order, one at a time, while other objects post concurrently', async () => {
    const { poster, calls } = setup();
    poster.post(podA, event('A1'));
    poster.post(podA, event('A2'));
    poster.post(podB, event('B1'));
    await vi.advanceTimersByTimeAsync(0);
    expect(reasons(calls)).toEqual(['a:A1', 'b:B1']);
    calls[0].resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(reasons(calls)).toEqual(['a:A1', 'b:B1', 'a:A2']);
  });

  it('keys objects without a uid by kind, namespace and name', async () => {
    const { poster, calls } = setup();
    const inNs1 = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns1' } };
    const inNs2 = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns2' } };
    poster.post(inNs1, event('First'));
    poster.post({ ...inNs1 }, event('Second'));
    poster.post(inNs2, event('Other'));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.event.reason)).toEqual(['First', 'Other']);
  });

  it('runs at most workerLimit queues, handing a slot to the next object in arrival order at once', async () => {
    const podC = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'c', namespace: 'ns1', uid: 'u-c' } };
    const { poster, calls } = setup({ workerLimit: 1, idleTimeout: 100 });
    poster.post(podA, event('A1'));
    poster.post(podC, event('C1'));
    poster.post(podB, event('B1'));
    await vi.advanceTimersByTimeAsync(0);
    expect(reasons(calls)).toEqual(['a:A1']);
    calls[0].resolve();
    // No idle timeout passes: a worker with nothing to post gives its slot up when others wait.
    await vi.advanceTimersByTimeAsync(0);
    expect(reasons(calls)).toEqual(['a:A1', 'c:C1']);
    calls[1].resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(reasons(calls)).toEqual(['a:A1', 'c:C1', 'b:B1']);
  });

  it('ends an idle queue’s worker after idleTimeout, and starts a new one on demand', async () => {
    const { poster, calls } = setup({ idleTimeout: 2 }, true);
    poster.post(podA, event('A1'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(vi.getTimerCount()).toBe(1);
    poster.post(podA, event('A2'));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(vi.getTimerCount()).toBe(0);
    poster.post(podA, event('A3'));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.event.reason)).toEqual(['A1', 'A2', 'A3']);
  });

  it('retries a failed POST over the Event’s backoffs', async () => {
    const { poster, calls, lines } = setup();
    poster.post(podA, { ...event('A1'), backoffs: [1, 2] });
    await vi.advanceTimersByTimeAsync(0);
    calls[0].reject(new Error('503'));
    await vi.advanceTimersByTimeAsync(1_000);
    calls[1].reject(new Error('503'));
    await vi.advanceTimersByTimeAsync(2_000);
    calls[2].resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.at)).toEqual([0, 1_000, 3_000]);
    expect(lines).toEqual([]);
  });

  it('holds the object’s later Events back while retrying, but not other objects’', async () => {
    const { poster, calls } = setup();
    poster.post(podA, { ...event('A1'), backoffs: 5 });
    poster.post(podA, event('A2'));
    await vi.advanceTimersByTimeAsync(0);
    calls[0].reject(new Error('503'));
    poster.post(podB, event('B1'));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(reasons(calls)).toEqual(['a:A1', 'b:B1']);
    await vi.advanceTimersByTimeAsync(1);
    calls[2].resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(reasons(calls)).toEqual(['a:A1', 'b:B1', 'a:A1', 'a:A2']);
  });

  it('logs a local warning once the backoffs run out, and moves on to the next Event', async () => {
    const { poster, calls, lines, records } = setup();
    poster.post(podA, { ...event('A1'), backoffs: 3 });
    poster.post(podA, event('A2'));
    await vi.advanceTimersByTimeAsync(0);
    calls[0].reject(new Error('the server is down'));
    await vi.advanceTimersByTimeAsync(3_000);
    calls[1].reject(new Error('still down'));
    await vi.advanceTimersByTimeAsync(0);
    expect(lines).toEqual(['[ns1/a] Failed to post an event. Ignoring and continuing. still down\n']);
    expect(records).toEqual([]);
    expect(reasons(calls)).toEqual(['a:A1', 'a:A1', 'a:A2']);
  });

  it('retries over settings.defaultBackoffs when the Event has none; an empty list means no retry', async () => {
    const { poster, calls, lines } = setup({ defaultBackoffs: [1] });
    poster.post(podA, event('A1'));
    poster.post(podB, { ...event('B1'), backoffs: [] });
    await vi.advanceTimersByTimeAsync(0);
    calls[0].reject(new Error('nope'));
    calls[1].reject(new Error('nope'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reasons(calls)).toEqual(['a:A1', 'b:B1', 'a:A1']);
    expect(lines).toEqual(['[ns1/b] Failed to post an event. Ignoring and continuing. nope\n']);
  });

  it('survives a post function that throws instead of rejecting', async () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'plain', output: { write: (text: string) => lines.push(text) } });
    const poster = new EventPoster({
      post: () => {
        throw new TypeError('an event needs an object with apiVersion, kind and metadata.name');
      },
      settings: () => ({ ...Settings().posting, defaultBackoffs: [] }),
      logger,
    });
    poster.post({ kind: 'Thing', metadata: { name: 'x' } }, event('R'));
    await vi.advanceTimersByTimeAsync(0);
    expect(lines).toEqual(['[x] Failed to post an event. Ignoring and continuing. an event needs an object with apiVersion, kind and metadata.name\n']);
  });

  it('stop() waits for the queued Events to be posted', async () => {
    const { poster, calls } = setup({ idleTimeout: 100 });
    poster.post(podA, event('A1'));
    poster.post(podA, event('A2'));
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = poster.stop(10).then(() => (stopped = true));
    poster.post(podB, event('Late'));
    calls[0].resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    calls[1].resolve();
    await vi.advanceTimersByTimeAsync(0);
    await stopping;
    expect(Date.now()).toBe(0);
    expect(reasons(calls)).toEqual(['a:A1', 'a:A2']);
  });

  it('stop() drops what is left after the timeout and abandons the POST in flight', async () => {
    const { poster, calls, lines } = setup({ workerLimit: 1 });
    poster.post(podA, event('A1'));
    poster.post(podA, event('A2'));
    poster.post(podB, event('B1'));
    await vi.advanceTimersByTimeAsync(0);
    const stopping = poster.stop(2);
    await vi.advanceTimersByTimeAsync(2_000);
    await stopping;
    expect(calls[0].event.signal?.aborted).toBe(true);
    calls[0].reject(new Error('aborted'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reasons(calls)).toEqual(['a:A1']);
    expect(lines).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop() ends idle workers at once and cuts retry sleeps short on timeout', async () => {
    const { poster, calls } = setup({ idleTimeout: 100 });
    poster.post(podA, event('A1'));
    poster.post(podB, { ...event('B1'), backoffs: [50] });
    await vi.advanceTimersByTimeAsync(0);
    calls[0].resolve();
    calls[1].reject(new Error('503'));
    await vi.advanceTimersByTimeAsync(0);
    const stopping = poster.stop(5);
    await vi.advanceTimersByTimeAsync(5_000);
    await stopping;
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(calls).toHaveLength(2);
  });
});
