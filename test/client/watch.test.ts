import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnection, type ConnectionInfo } from '../../src/client/config.ts';
import { createTransport, type Transport } from '../../src/client/transport.ts';
import { WatchHub } from '../../src/client/watch-hub.ts';
import { watchResource, type WatchOptions, type WatchTransport } from '../../src/client/watch.ts';
import type { WatchEvent } from '../../src/core/watch-event.ts';
import { startCluster, type TestCluster } from '../../src/testing.ts';

/**
 * The watch against a live API server (embedded, or real with
 * KOPF_TS_TEST_BACKEND=real): the initial listing and its marker, live
 * changes in order, selectors, namespaces, both listing forms, the hub
 * sharing one HTTP watch, and the terminal errors of bad credentials and
 * missing permissions. The faults are in watch-faults.test.ts.
 */

const configmaps = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };

/** A transport that counts the lists and watch streams it opens. */
function counting(inner: Transport): WatchTransport & { lists: number; watches: number } {
  const counted = {
    lists: 0,
    watches: 0,
    request: <T>(options: Parameters<Transport['request']>[0]) => {
      counted.lists++;
      return inner.request<T>(options);
    },
    stream: (options: Parameters<Transport['stream']>[0]) => {
      counted.watches++;
      return inner.stream(options);
    },
  };
  return counted;
}

/** `TYPE name` (plus ` initial`) per event; SYNCED as is. */
function names(events: WatchEvent[]): string[] {
  return events.map((e) => (e.type === 'SYNCED' ? 'SYNCED' : `${e.type} ${e.object.metadata?.name}${e.initial ? ' initial' : ''}`));
}

describe('watchResource against a cluster', () => {
  let cluster: TestCluster;
  let connection: ConnectionInfo;
  let transport: Transport;
  let namespaceCount = 0;

  beforeAll(async () => {
    cluster = await startCluster();
    connection = await loadConnection({ kubeconfigText: cluster.kubeconfig });
    transport = createTransport(connection);
  });
  afterAll(async () => {
    await transport?.close();
    await cluster?.stop();
  });

  async function namespace(): Promise<string> {
    const name = `watch-${++namespaceCount}`;
    const response = await cluster.request('POST', '/api/v1/namespaces', { metadata: { name } });
    expect(response.status).toBe(201);
    return name;
  }

  async function write(method: string, path: string, body?: unknown): Promise<any> {
    const response = await cluster.request(method, path, body, method === 'PATCH' ? { 'content-type': 'application/merge-patch+json' } : {});
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
    return response.body;
  }

  // Every namespace also holds kube-root-ca.crt (made by a controller, perhaps late): the tests select their own maps by label.
  const mine = 'test=watch';
  const createMap = (ns: string, name: string, labels: Record<string, string> = { test: 'watch' }) =>
    write('POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name, labels }, data: { v: '0' } });
  const patchMap = (ns: string, name: string, patch: object) => write('PATCH', `/api/v1/namespaces/${ns}/configmaps/${name}`, patch);
  const deleteMap = (ns: string, name: string) => write('DELETE', `/api/v1/namespaces/${ns}/configmaps/${name}`);

  /** Reads a watch in the background until `stop()`. */
  function consume(options: WatchOptions, through: WatchTransport = transport) {
    const stop = new AbortController();
    const state = { events: [] as WatchEvent[], error: undefined as unknown };
    const finished = (async () => {
      try {
        for await (const event of watchResource(through, configmaps, { ...options, signal: stop.signal })) state.events.push(event);
      } catch (error) {
        state.error = error;
      }
    })();
    const waitFor = (count: number, what: string) => cluster.waitFor(() => state.events.length >= count, { description: what, timeout: 15_000 });
    return { state, finished, waitFor, stop: async () => (stop.abort(), finished) };
  }

  for (const useWatchList of [true, false]) {
    it(`reports the initial objects, marks the end of the listing, then every change in order (${useWatchList ? 'watch-list' : 'list then watch'})`, async () => {
      const ns = await namespace();
      for (const name of ['a', 'b', 'c']) await createMap(ns, name);
      const counted = counting(transport);
      const watch = consume({ namespace: ns, labelSelector: mine, useWatchList, pageSize: 2 }, counted);
      await watch.waitFor(4, 'the initial listing');
      expect(names(watch.state.events)).toEqual(['ADDED a initial', 'ADDED b initial', 'ADDED c initial', 'SYNCED']);
      expect(counted.lists).toBe(useWatchList ? 0 : 2);

      await createMap(ns, 'd');
      const patched = await patchMap(ns, 'a', { data: { v: '1' } });
      await deleteMap(ns, 'b');
      await watch.waitFor(7, 'the live changes');
      expect(names(watch.state.events.slice(4))).toEqual(['ADDED d', 'MODIFIED a', 'DELETED b']);
      expect(watch.state.events[5]).toEqual({ type: 'MODIFIED', object: patched });
      expect(watch.state.events[0]).toMatchObject({ object: { apiVersion: 'v1', kind: 'ConfigMap' } });
      await watch.stop();
      expect(watch.state.error).toBeUndefined();
      expect(counted.watches).toBe(1);
    });
  }

  it('watches one namespace or all of them', async () => {
    const [one, other] = [await namespace(), await namespace()];
    const scoped = consume({ namespace: one, labelSelector: `test=${one}` });
    const everywhere = consume({ labelSelector: `test=${one}` });
    await scoped.waitFor(1, 'the scoped listing');
    await everywhere.waitFor(1, 'the cluster-wide listing');
    await createMap(other, 'elsewhere', { test: one });
    await createMap(one, 'here', { test: one });
    await scoped.waitFor(2, 'the change in the watched namespace');
    await everywhere.waitFor(3, 'both changes');
    expect(names(scoped.state.events)).toEqual(['SYNCED', 'ADDED here']);
    expect(names(everywhere.state.events)).toEqual(['SYNCED', 'ADDED elsewhere', 'ADDED here']);
    expect((everywhere.state.events[1] as { object: { metadata: { namespace: string } } }).object.metadata.namespace).toBe(other);
    await Promise.all([scoped.stop(), everywhere.stop()]);
  });

  it('filters by label and field selectors, reporting an object that leaves the selection as DELETED', async () => {
    const ns = await namespace();
    await createMap(ns, 'in', { tier: 'web' });
    await createMap(ns, 'out', { tier: 'db', test: 'watch' });
    const labelled = consume({ namespace: ns, labelSelector: 'tier=web' });
    const named = consume({ namespace: ns, labelSelector: mine, fieldSelector: 'metadata.name=out' });
    await labelled.waitFor(2, 'the labelled listing');
    await named.waitFor(2, 'the named listing');
    expect(names(labelled.state.events)).toEqual(['ADDED in initial', 'SYNCED']);
    expect(names(named.state.events)).toEqual(['ADDED out initial', 'SYNCED']);

    await patchMap(ns, 'out', { metadata: { labels: { tier: 'web' } } });
    await patchMap(ns, 'in', { metadata: { labels: { tier: 'db' } } });
    await labelled.waitFor(4, 'the selection to change');
    expect(names(labelled.state.events.slice(2))).toEqual(['ADDED out', 'DELETED in']);
    await named.waitFor(3, 'the named object to change');
    expect(names(named.state.events.slice(2))).toEqual(['MODIFIED out']);
    await Promise.all([labelled.stop(), named.stop()]);
  });

  it('reopens the streams the server ends after serverTimeoutSeconds, without incidents or missed changes', async () => {
    const ns = await namespace();
    const counted = counting(transport);
    const incidents: unknown[] = [];
    const watch = consume({ namespace: ns, labelSelector: mine, useWatchList: false, serverTimeoutSeconds: 1, onIncident: (incident) => incidents.push(incident) }, counted);
    await watch.waitFor(1, 'the initial listing');
    await cluster.waitFor(() => counted.watches >= 3, { description: 'two reopened streams', timeout: 15_000 });
    await createMap(ns, 'after-reopening');
    await watch.waitFor(2, 'the change after the reopenings');
    expect(names(watch.state.events)).toEqual(['SYNCED', 'ADDED after-reopening']);
    expect(counted.lists).toBe(1);
    expect(incidents).toEqual([]);
    await watch.stop();
  });

  it('shares one HTTP watch among the subscribers of a hub, and a late subscriber gets the current objects first', async () => {
    const ns = await namespace();
    await createMap(ns, 'first');
    const counted = counting(transport);
    const hub = new WatchHub(counted);
    const subscriptions = Array.from({ length: 5 }, () => hub.subscribe(configmaps, { namespace: ns, labelSelector: mine }));
    const seen = subscriptions.map(() => [] as WatchEvent[]);
    const readers = subscriptions.map(async (subscription, i) => {
      for await (const event of subscription) seen[i].push(event);
    });
    await cluster.waitFor(() => seen.every((events) => events.length >= 2), { description: 'every subscriber to sync' });
    await createMap(ns, 'second');
    await cluster.waitFor(() => seen.every((events) => events.length >= 3), { description: 'every subscriber to see the change' });

    const late = hub.subscribe(configmaps, { namespace: ns, labelSelector: mine });
    const lateEvents = [(await late.next()).value, (await late.next()).value, (await late.next()).value] as WatchEvent[];
    expect(names(lateEvents)).toEqual(['ADDED first initial', 'ADDED second initial', 'SYNCED']);
    for (const events of seen) expect(names(events)).toEqual(['ADDED first initial', 'SYNCED', 'ADDED second']);
    expect(counted.watches).toBe(1);
    expect(hub.watchCount).toBe(1);

    late.close();
    for (const subscription of subscriptions) subscription.close();
    await Promise.all(readers);
    expect(hub.watchCount).toBe(0);
  });

  it('ends with a clear error for bad credentials', async () => {
    const impostor: ConnectionInfo = {
      ...connection,
      identity: 'user "impostor" (bearer token)',
      credentials: async () => ({ headers: { authorization: 'Bearer not-a-valid-token' } }),
      reauthenticate: async () => {},
    };
    const rejected = createTransport(impostor, { retries: 0 });
    const watch = consume({}, rejected);
    await watch.finished;
    expect(watch.state.error).toMatchObject({ name: 'UnauthorizedError', code: 401 });
    expect((watch.state.error as Error).message).toMatch(/^(list|watch) configmaps: 401 Unauthorized: the server rejected the credentials of user "impostor"/);
    await rejected.close();
  });

  it('ends with a clear error for a missing permission (real backend: RBAC)', async (context) => {
    if (cluster.backend !== 'real') context.skip('the embedded cluster does not authorize requests: the 403 is covered by the unit tests');
    const ns = await namespace();
    await write('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: 'nobody' } });
    const token = (await write('POST', `/api/v1/namespaces/${ns}/serviceaccounts/nobody/token`, { spec: { expirationSeconds: 600 } })).status.token as string;
    const nobody: ConnectionInfo = {
      ...connection,
      identity: `service account ${ns}/nobody`,
      credentials: async () => ({ headers: { authorization: `Bearer ${token}` } }),
      reauthenticate: async () => {},
    };
    const denied = createTransport(nobody, { retries: 0 });
    const watch = consume({ namespace: ns, labelSelector: mine }, denied);
    await watch.finished;
    expect(watch.state.error).toMatchObject({ name: 'ForbiddenError', code: 403 });
    expect((watch.state.error as Error).message).toContain(`cannot`);
    expect((watch.state.error as Error).message).toContain('a missing permission is terminal until RBAC grants it');
    await denied.close();
  });
});
