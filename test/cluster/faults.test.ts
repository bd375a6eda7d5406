import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultBackend, startCluster, type FaultSettings, type TestCluster } from '../../src/testing.ts';
import { watchOpener, type WatchStream } from '../support/watch-stream.ts';

const real = defaultBackend() === 'real';
if (real) console.warn('fault injection tests skipped: faults exist only on the embedded backend');

/**
 * Every fault of the embedded cluster, through both ways of setting it:
 * in-process (`cluster.faults`) and the admin endpoint `/_kopf/faults`.
 */
describe.skipIf(real)('fault injection', () => {
  let cluster: TestCluster;
  let watches: ReturnType<typeof watchOpener>;
  let count = 0;
  const ns = 'faulty';
  const maps = `/api/v1/namespaces/${ns}/configmaps`;

  beforeAll(async () => {
    cluster = await startCluster({ backend: 'embedded' });
    watches = watchOpener(cluster);
    await cluster.request('POST', '/api/v1/namespaces', { metadata: { name: ns } });
  });
  afterEach(() => cluster.faults!.reset());
  afterAll(async () => {
    await watches?.close();
    await cluster?.stop();
  });

  /** The two ways to set faults; each test runs with both. */
  const ways: Array<[string, (settings: FaultSettings & { cutWatches?: boolean; compactHistory?: boolean }) => Promise<void>]> = [
    [
      'in-process',
      async ({ cutWatches, compactHistory, ...settings }) => {
        cluster.faults!.set(settings);
        if (cutWatches) cluster.faults!.cutWatches();
        if (compactHistory) cluster.faults!.compactHistory();
      },
    ],
    [
      'over HTTP',
      async (body) => {
        const response = await cluster.request('POST', '/_kopf/faults', body);
        expect(response.status).toBe(200);
      },
    ],
  ];

  const create = (name = `m${++count}`) => cluster.request('POST', maps, { metadata: { name } });
  const currentRv = async () => (await cluster.request('GET', maps)).body.metadata.resourceVersion as string;
  const watchFromNow = async () => watches.open(`${maps}?watch=true&resourceVersion=${await currentRv()}`);
  const ended = (stream: WatchStream) => cluster.waitFor(() => stream.ended, { description: 'the end of the stream' });

  describe.each(ways)('%s', (_way, inject) => {
    it('cuts every open watch now, cleanly', async () => {
      const first = await watchFromNow();
      const second = await watches.open(`/api/v1/configmaps?watch=true`);
      await inject({ cutWatches: true });
      await ended(first);
      await ended(second);
      const after = await watchFromNow();
      await create();
      await cluster.waitFor(() => after.events.length === 1, { description: 'events on a new watch' });
      after.close();
    });

    it('cuts each watch, open or new, after N events', async () => {
      const open = await watchFromNow();
      await inject({ cutWatchesAfterEvents: 2 });
      const fresh = await watchFromNow();
      for (let i = 0; i < 3; i++) await create();
      await ended(open);
      await ended(fresh);
      expect(open.events).toHaveLength(2);
      expect(fresh.events).toHaveLength(2);
      expect(fresh.events.map((e) => e.type)).toEqual(['ADDED', 'ADDED']);
    });

    it('answers the next watch with a 410 ERROR event, then serves watches again', async () => {
      const rv = await currentRv();
      await inject({ expireNextWatches: 1 });
      const expired = await watches.open(`${maps}?watch=true&resourceVersion=${rv}`);
      await ended(expired);
      expect(expired.status).toBe(200);
      expect(expired.events).toEqual([
        { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${rv} (${rv})`, reason: 'Expired', code: 410 } },
      ]);
      expect(cluster.faults!.current.expireNextWatches).toBe(0);
      // Plain requests do not consume the counter; the next watch works.
      const served = await watches.open(`${maps}?watch=true&resourceVersion=${rv}`);
      await create();
      await cluster.waitFor(() => served.events.length === 1, { description: 'an event on the next watch' });
      served.close();
    });

    it('answers the next N requests with 429 and Retry-After', async () => {
      await inject({ throttleNextRequests: 2, retryAfterSeconds: 3 });
      for (let i = 0; i < 2; i++) {
        const response = await cluster.request('GET', maps);
        expect(response.status).toBe(429);
        expect(response.headers['retry-after']).toBe('3');
        expect(response.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 3 } });
      }
      expect((await cluster.request('GET', maps)).status).toBe(200);
    });

    it('fails a seeded fraction of requests with 500 or 503, the same pattern for the same seed', async () => {
      const pattern = async (settings: FaultSettings) => {
        cluster.faults!.reset();
        await inject(settings);
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) statuses.push((await cluster.request('GET', maps)).status);
        return statuses;
      };
      const first = await pattern({ errorRate: 0.5, seed: 42 });
      expect(await pattern({ errorRate: 0.5, seed: 42 })).toEqual(first);
      expect(await pattern({ errorRate: 0.5, seed: 7 })).not.toEqual(first);
      const failed = first.filter((s) => s === 500).length;
      expect(first.every((s) => s === 200 || s === 500)).toBe(true);
      expect(failed).toBeGreaterThan(8);
      expect(failed).toBeLessThan(32);

      await inject({ errorRate: 1, errorCode: 503 });
      const unavailable = await cluster.request('GET', maps);
      expect(unavailable.status).toBe(503);
      expect(unavailable.body).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
      // Watches are left alone by the random errors: they have their own faults.
      const stream = await watches.open(`${maps}?watch=true`);
      expect(stream.status).toBe(200);
      stream.close();
    });

    it('answers the next N writes with 409 Conflict, leaving reads alone', async () => {
      const target = `target-${++count}`;
      expect((await create(target)).status).toBe(201);
      await inject({ conflictNextWrites: 2 });
      expect((await cluster.request('GET', `${maps}/${target}`)).status).toBe(200);
      const created = await create(`blocked-${count}`);
      expect(created.status).toBe(409);
      expect(created.body).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
      const patched = await cluster.request('PATCH', `${maps}/${target}`, { data: { a: '1' } }, { 'content-type': 'application/merge-patch+json' });
      expect(patched.status).toBe(409);
      expect(patched.body.message).toBe(`Operation cannot be fulfilled on configmaps "${target}": the object has been modified; please apply your changes to the latest version and try again`);
      expect((await create(`blocked-${count}`)).status).toBe(201);
    });

    it('delays every request but the fault endpoint itself', async () => {
      await inject({ latencyMs: 300 });
      let started = Date.now();
      expect((await cluster.request('GET', maps)).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      started = Date.now();
      expect((await cluster.request('GET', '/_kopf/faults')).body).toEqual({ latencyMs: 300 });
      expect(Date.now() - started).toBeLessThan(290);
    });

    it('compacts history now: watches from any earlier revision get 410', async () => {
      const before = await currentRv();
      await create();
      await inject({ compactHistory: true });
      const expired = await watches.open(`${maps}?watch=true&resourceVersion=${before}`);
      await ended(expired);
      expect(expired.events.map((e) => [e.type, e.object.reason])).toEqual([['ERROR', 'Expired']]);
      const current = await watchFromNow();
      expect(current.ended).toBe(false);
      current.close();
    });
  });

  it('shows the standing faults with GET, counters as they count down, and clears them with DELETE', async () => {
    const set = await cluster.request('POST', '/_kopf/faults', { throttleNextRequests: 2, latencyMs: 0 });
    expect(set.body).toEqual({ throttleNextRequests: 2, latencyMs: 0 });
    await cluster.request('GET', maps);
    expect((await cluster.request('GET', '/_kopf/faults')).body).toEqual({ throttleNextRequests: 1, latencyMs: 0 });
    const cleared = await cluster.request('DELETE', '/_kopf/faults');
    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({});
    expect(cluster.faults!.current).toEqual({});
  });

  it('refuses malformed fault requests with 400, in-process and over HTTP', async () => {
    const bad: Array<[unknown, string]> = [
      ['not json', 'the fault request is not JSON'],
      [[1], 'the fault request must be a JSON object'],
      [{ cutWatchesEvery: 1 }, 'unknown fault setting "cutWatchesEvery"'],
      [{ errorRate: 2 }, 'fault setting "errorRate" must be a number from 0 to 1, not 2'],
      [{ errorCode: 502 }, 'fault setting "errorCode" must be 500 or 503, not 502'],
      [{ throttleNextRequests: -1 }, 'fault setting "throttleNextRequests" must be a non-negative integer, not -1'],
      [{ cutWatches: 'yes' }, '"cutWatches" and "compactHistory" must be booleans'],
    ];
    for (const [body, message] of bad) {
      const response = await cluster.request('POST', '/_kopf/faults', typeof body === 'string' ? body : JSON.stringify(body));
      expect(response.status, String(body)).toBe(400);
      expect(response.body.message).toContain(message);
    }
    expect((await cluster.request('PUT', '/_kopf/faults', {})).status).toBe(405);
    expect(() => cluster.faults!.set({ errorRate: -1 })).toThrow('fault setting "errorRate" must be a number from 0 to 1, not -1');
    expect(cluster.faults!.current).toEqual({});
  });
});
