import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConnection } from '../../src/client/config.ts';
import { ApiError } from '../../src/client/errors.ts';
import { createTransport, type Transport } from '../../src/client/transport.ts';
import { watchResource, type WatchIncident, type WatchOptions, type WatchTransport } from '../../src/client/watch.ts';
import type { WatchEvent } from '../../src/core/watch-event.ts';
import { defaultBackend, startCluster, type TestCluster } from '../../src/testing.ts';
import type { Faults } from '../../src/cluster/faults.ts';

/**
 * The watch under the embedded cluster's fault injection: cut streams,
 * repeated 410s, 429 with Retry-After, 503s, silence past the deadline and
 * compacted history. The transport retries nothing (`retries: 0`), so what
 * is tested is the watch's own recovery. A consumer must see every change
 * exactly once and in order; where the history is lost (410, compaction),
 * it must see exactly the difference between what it knew and what is.
 */

const real = defaultBackend() === 'real';
if (real) console.warn('watch fault tests skipped: the real backend has no fault injection (cluster.faults is undefined)');

const configmaps = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
const mine = 'test=faults';
const fast: WatchOptions = { backoff: { initialMs: 10, maxMs: 100 }, labelSelector: mine };

/** `TYPE name@rv` per event (DELETED by name only: its resourceVersion is the deletion's), SYNCED as is. */
function summary(events: WatchEvent[]): string[] {
  return events.map((e) => {
    if (e.type === 'SYNCED') return 'SYNCED';
    const { name, resourceVersion } = e.object.metadata ?? {};
    return e.type === 'DELETED' ? `DELETED ${name}${e.synthesized ? ' synthesized' : ''}` : `${e.type} ${name}@${resourceVersion}${e.initial ? ' initial' : ''}`;
  });
}

/** A transport that counts the watch streams it opens. */
function counting(inner: Transport): WatchTransport & { watches: number } {
  const counted = {
    watches: 0,
    request: <T>(options: Parameters<Transport['request']>[0]) => inner.request<T>(options),
    stream: (options: Parameters<Transport['stream']>[0]) => {
      counted.watches++;
      return inner.stream(options);
    },
  };
  return counted;
}

describe.skipIf(real)('the watch under faults', () => {
  let cluster: TestCluster;
  let faults: Faults;
  let transport: Transport;
  let namespaceCount = 0;

  beforeAll(async () => {
    cluster = await startCluster();
    faults = cluster.faults!;
    transport = createTransport(await loadConnection({ kubeconfigText: cluster.kubeconfig }), { retries: 0 });
  });
  // Watches a failed test left running would take the next test's faults: every test's watches stop here.
  const running = new Set<AbortController>();
  afterEach(() => {
    for (const stop of running) stop.abort();
    running.clear();
    faults?.reset();
  });
  afterAll(async () => {
    await transport?.close();
    await cluster?.stop();
  });

  /** Sends one write, repeating it while the faults refuse it (429, 5xx: refused before it was applied). */
  async function send(method: string, path: string, body?: unknown): Promise<any> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const response = await cluster.request(method, path, body, method === 'PATCH' ? { 'content-type': 'application/merge-patch+json' } : {});
      if (response.status === 429 || response.status >= 500) continue;
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
      return response.body;
    }
    throw new Error(`${method} ${path}: refused 100 times`);
  }

  /** A fresh namespace and a writer in it that records what a watch of it must report. */
  async function scene() {
    const ns = `faults-${++namespaceCount}`;
    await send('POST', '/api/v1/namespaces', { metadata: { name: ns } });
    const path = (name = '') => `/api/v1/namespaces/${ns}/configmaps${name ? `/${name}` : ''}`;
    const expected: string[] = [];
    return {
      ns,
      expected,
      async create(name: string, initial = false) {
        const made = await send('POST', path(), { metadata: { name, labels: { test: 'faults' } }, data: { v: '0' } });
        expected.push(`ADDED ${name}@${made.metadata.resourceVersion}${initial ? ' initial' : ''}`);
        return made;
      },
      async modify(name: string, value: string) {
        const patched = await send('PATCH', path(name), { data: { v: value } });
        expected.push(`MODIFIED ${name}@${patched.metadata.resourceVersion}`);
        return patched;
      },
      async remove(name: string) {
        await send('DELETE', path(name));
        expected.push(`DELETED ${name}`);
      },
      /** The server's current objects as `name@rv`. */
      async current(): Promise<string[]> {
        const listed = await send('GET', `${path()}?labelSelector=${encodeURIComponent(mine)}`);
        return (listed.items as Array<{ metadata: { name: string; resourceVersion: string } }>).map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
      },
    };
  }

  /**
   * Reads a watch in the background. With `pauseAfter`, the consumer stops
   * pulling once it holds that many events, until `resume()`: the watch then
   * sits between two events and opens no stream, as behind a busy consumer.
   */
  function consume(options: WatchOptions, through: WatchTransport = transport, pauseAfter?: number) {
    const stop = new AbortController();
    running.add(stop);
    const incidents: WatchIncident[] = [];
    const state = { events: [] as WatchEvent[], error: undefined as unknown };
    let resume = () => {};
    const resumed = new Promise<void>((r) => (resume = r));
    const iterator = watchResource(through, configmaps, { ...fast, ...options, signal: stop.signal, onIncident: (i) => incidents.push(i) });
    const finished = (async () => {
      try {
        for (;;) {
          if (state.events.length === pauseAfter) await resumed;
          const next = await iterator.next();
          if (next.done) return;
          state.events.push(next.value);
        }
      } catch (error) {
        state.error = error;
      }
    })();
    return {
      state,
      incidents,
      /** Waits until `count` events have arrived. */
      waitFor: (count: number, what: string) => cluster.waitFor(() => state.events.length >= count, { description: what, timeout: 20_000 }),
      resume,
      stop: async () => {
        stop.abort();
        resume();
        await finished;
        expect(state.error).toBeUndefined();
      },
    };
  }

  /** The objects a consumer believes exist, from replaying its events, as `name@rv`. */
  function replay(events: WatchEvent[]): string[] {
    const objects = new Map<string, string>();
    for (const event of events) {
      if (event.type === 'SYNCED') continue;
      const { name, resourceVersion } = event.object.metadata!;
      if (event.type === 'DELETED') objects.delete(name!);
      else objects.set(name!, `${name}@${resourceVersion}`);
    }
    return [...objects.values()].sort();
  }

  for (const useWatchList of [true, false]) {
    it(`sees every change exactly once, in order, while the server cuts streams every 50 events (${useWatchList ? 'watch-list' : 'list then watch'})`, async () => {
      const writer = await scene();
      for (let i = 0; i < 20; i++) await writer.create(`pre-${String(i).padStart(2, '0')}`, true);
      faults.set({ cutWatchesAfterEvents: 50 });
      const counted = counting(transport);
      const watch = consume({ namespace: writer.ns, useWatchList, pageSize: 7 }, counted);
      await watch.waitFor(21, 'the initial listing');
      writer.expected.push('SYNCED');
      for (let i = 0; i < 60; i++) await writer.create(`obj-${String(i).padStart(2, '0')}`);
      for (let i = 0; i < 60; i++) await writer.modify(`obj-${String(i).padStart(2, '0')}`, 'a');
      for (let i = 0; i < 60; i += 2) await writer.modify(`obj-${String(i).padStart(2, '0')}`, 'b');
      for (let i = 0; i < 60; i += 3) await writer.remove(`obj-${String(i).padStart(2, '0')}`);
      await watch.waitFor(writer.expected.length, 'every change');
      expect(summary(watch.state.events)).toEqual(writer.expected);
      // 170 changes cut every 50 events: at least three reconnects, each at once after a productive stream.
      expect(counted.watches).toBeGreaterThanOrEqual(4);
      expect(watch.incidents).toEqual([]);
      await watch.stop();
    });
  }

  for (const fault of ['expireNextWatches: 3', 'compactHistory'] as const) {
    for (const useWatchList of [true, false]) {
      it(`reports exactly what changed while the stream was down, deletions included, after ${fault} (${useWatchList ? 'watch-list' : 'list then watch'})`, async () => {
        const writer = await scene();
        for (const name of ['del-1', 'del-2', 'keep-1', 'keep-2', 'mod-1', 'mod-2']) await writer.create(name, true);
        const watch = consume({ namespace: writer.ns, useWatchList }, transport, 7);
        await watch.waitFor(7, 'the initial listing');

        faults.cutWatches();
        const mod1 = await writer.modify('mod-1', 'x');
        const mod1again = await writer.modify('mod-1', 'y');
        const mod2 = await writer.modify('mod-2', 'x');
        await writer.remove('del-1');
        await writer.remove('del-2');
        const new1 = await writer.create('new-1');
        const new2 = await writer.create('new-2');
        if (fault === 'compactHistory') faults.compactHistory();
        else faults.set({ expireNextWatches: 3 });
        watch.resume();

        const rv = (o: { metadata: { resourceVersion: string } }) => o.metadata.resourceVersion;
        await watch.waitFor(7 + 6, 'the differences');
        expect(rv(mod1)).not.toBe(rv(mod1again));
        expect(summary(watch.state.events.slice(7))).toEqual([
          // A relist cannot tell the intermediate states apart: mod-1 is reported once, at its latest version.
          `MODIFIED mod-1@${rv(mod1again)}`,
          `MODIFIED mod-2@${rv(mod2)}`,
          `ADDED new-1@${rv(new1)}`,
          `ADDED new-2@${rv(new2)}`,
          'DELETED del-1 synthesized',
          'DELETED del-2 synthesized',
        ]);
        const deleted = watch.state.events.at(-1) as { object: object };
        expect(deleted.object).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'del-2', namespace: writer.ns } });
        // Listing first, the differences come with the first relist; the later 410s find nothing more to report.
        const expired = fault === 'compactHistory' ? 1 : 3;
        await cluster.waitFor(() => watch.incidents.filter((i) => i.kind === 'expired').length === expired, { description: `${expired} relists` });

        const after = await writer.modify('keep-1', 'z');
        await watch.waitFor(14, 'a change after the recovery');
        expect(summary(watch.state.events.slice(13))).toEqual([`MODIFIED keep-1@${rv(after)}`]);
        await watch.stop();
      });
    }
  }

  it('waits as long as a 429 Retry-After asks, then resumes without losing or repeating a change', async () => {
    const writer = await scene();
    const watch = consume({ namespace: writer.ns });
    await watch.waitFor(1, 'the initial listing');
    writer.expected.push('SYNCED');
    for (let i = 0; i < 10; i++) await writer.create(`before-${i}`);
    await watch.waitFor(writer.expected.length, 'the first changes');

    faults.set({ throttleNextRequests: 2, retryAfterSeconds: 1 });
    faults.cutWatches();
    await cluster.waitFor(() => watch.incidents.length >= 2, { description: 'two throttled reconnects' });
    for (let i = 0; i < 10; i++) await writer.create(`after-${i}`);
    await watch.waitFor(writer.expected.length, 'the later changes');
    expect(summary(watch.state.events)).toEqual(writer.expected);
    expect(watch.incidents).toHaveLength(2);
    for (const incident of watch.incidents) {
      expect(incident).toMatchObject({ kind: 'failed', phase: 'watch', error: { code: 429, retryAfterSeconds: 1 } });
      expect(incident.delayMs).toBe(1000);
    }
    await watch.stop();
  });

  it('lists through 20% of requests failing with 503, page by page, and relists through them too', async () => {
    const writer = await scene();
    for (let i = 0; i < 30; i++) await writer.create(`pre-${String(i).padStart(2, '0')}`, true);
    writer.expected.push('SYNCED');
    faults.set({ errorRate: 0.2, errorCode: 503, seed: 7, cutWatchesAfterEvents: 20 });
    const watch = consume({ namespace: writer.ns, useWatchList: false, pageSize: 3 }, transport, 61);
    await watch.waitFor(31, 'the initial listing');
    for (let i = 0; i < 30; i++) await writer.modify(`pre-${String(i).padStart(2, '0')}`, 'a');
    await watch.waitFor(writer.expected.length, 'every change');
    expect(writer.expected.length).toBe(61);
    expect(summary(watch.state.events)).toEqual(writer.expected);
    const failedLists = watch.incidents.filter((i) => i.kind === 'failed' && i.phase === 'list');
    expect(failedLists.length).toBeGreaterThan(0);
    expect(failedLists.every((i) => i.error instanceof ApiError && i.error.code === 503)).toBe(true);

    // Now a relist through the same failures, with a deletion to find: the consumer holds still meanwhile.
    faults.cutWatches();
    await writer.remove('pre-00');
    const changed = await writer.modify('pre-01', 'b');
    faults.compactHistory();
    watch.resume();
    await watch.waitFor(writer.expected.length, 'the relist');
    expect(summary(watch.state.events.slice(-2))).toEqual([`MODIFIED pre-01@${changed.metadata.resourceVersion}`, 'DELETED pre-00 synthesized']);
    await watch.stop();
  });

  it('drops a stream that stays silent past the deadline, and one whose answer does not come, and misses nothing', async () => {
    const writer = await scene();
    const counted = counting(transport);
    const watch = consume({ namespace: writer.ns, inactivityTimeoutMs: 300 }, counted);
    await watch.waitFor(1, 'the initial listing');
    writer.expected.push('SYNCED');
    await writer.create('early');
    // No event, no bookmark (the server's idle bookmarks come every 60 s): the stream is dropped and reopened.
    await cluster.waitFor(() => watch.incidents.filter((i) => i.kind === 'silent' && i.phase === 'stream').length >= 2, {
      description: 'two silent streams',
    });

    // Every answer now takes longer than the deadline: the watch requests are given up.
    faults.set({ latencyMs: 600 });
    await cluster.waitFor(() => watch.incidents.some((i) => i.kind === 'silent' && i.phase === 'watch'), { description: 'a request given up' });
    faults.set({ latencyMs: 0 });
    await writer.create('late');
    await watch.waitFor(writer.expected.length, 'the later change');
    expect(summary(watch.state.events)).toEqual(writer.expected);
    expect(counted.watches).toBeGreaterThanOrEqual(4);
    await watch.stop();
  });

  it('converges on the server state through every fault at once, never repeating a version', async () => {
    const writer = await scene();
    for (let i = 0; i < 20; i++) await writer.create(`obj-${String(i).padStart(2, '0')}`, true);
    const watch = consume({ namespace: writer.ns, pageSize: 4, inactivityTimeoutMs: 500 });
    await watch.waitFor(21, 'the initial listing');
    faults.set({ cutWatchesAfterEvents: 7, errorRate: 0.2, errorCode: 503, seed: 3, throttleNextRequests: 3, retryAfterSeconds: 1 });
    for (let round = 0; round < 8; round++) {
      for (let i = round % 3; i < 20; i += 3) await writer.modify(`obj-${String(i).padStart(2, '0')}`, `r${round}`);
      if (round === 2) faults.set({ expireNextWatches: 2 });
      if (round === 4) faults.compactHistory();
      if (round === 5) await writer.remove('obj-05');
      if (round === 6) await writer.create('obj-new');
    }
    faults.reset();
    const truth = await writer.current();
    await cluster.waitFor(() => JSON.stringify(replay(watch.state.events)) === JSON.stringify(truth), { description: 'the watch to converge', timeout: 20_000 });
    const versions = watch.state.events.flatMap((e) => (e.type === 'SYNCED' || e.type === 'DELETED' ? [] : [`${e.object.metadata!.name}@${e.object.metadata!.resourceVersion}`]));
    expect(new Set(versions).size).toBe(versions.length);
    const lastVersion = new Map<string, number>();
    for (const event of watch.state.events) {
      if (event.type === 'SYNCED' || event.type === 'DELETED') continue;
      const { name, resourceVersion } = event.object.metadata!;
      expect(Number(resourceVersion)).toBeGreaterThan(lastVersion.get(name!) ?? 0);
      lastVersion.set(name!, Number(resourceVersion));
    }
    await watch.stop();
  });
});
