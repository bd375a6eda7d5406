import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultBackend, startCluster, type TestCluster } from '../../src/testing.ts';
import { stalledWatcherBytes } from '../../src/cluster/watch.ts';
import { summary, watchOpener, type WatchEvent, type WatchStream } from '../support/watch-stream.ts';

const real = defaultBackend() === 'real';
if (real) console.warn('watch tests that shorten time or limit history (bookmark interval, historySize, compaction) run on the embedded backend only');

/** Names and types of the events, without bookmarks: what both backends must agree on exactly. */
const names = (events: WatchEvent[]) => summary(events).map((line) => line.replace(/@\d+$/, ''));
const rvOf = (object: any) => Number(object.metadata.resourceVersion);

/**
 * Watch semantics (apiserver-spec §7) on whichever backend the run uses:
 * framing, initial events, the watch-list form, resuming, selectors,
 * timeouts, invalid parameters and slow clients.
 */
describe('watch', () => {
  let cluster: TestCluster;
  let watches: ReturnType<typeof watchOpener>;
  let namespaceCount = 0;

  beforeAll(async () => {
    cluster = await startCluster();
    watches = watchOpener(cluster);
  });
  afterAll(async () => {
    await watches?.close();
    await cluster?.stop();
  });

  async function namespace(prefix: string): Promise<string> {
    const name = `${prefix}-${++namespaceCount}`;
    const response = await cluster.request('POST', '/api/v1/namespaces', { metadata: { name } });
    expect(response.status).toBe(201);
    return name;
  }

  const configmaps = (ns?: string) => (ns ? `/api/v1/namespaces/${ns}/configmaps` : '/api/v1/configmaps');

  async function write(method: string, path: string, body?: unknown): Promise<any> {
    const response = await cluster.request(method, path, body, method === 'PATCH' ? { 'content-type': 'application/merge-patch+json' } : {});
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
    return response.body;
  }

  // The real control plane adds a kube-root-ca.crt to each new namespace a moment later; the tests' own
  // objects carry a label, and watches that count events select it.
  const ours = 'labelSelector=made-by%3Dwatch-test';
  const createMap = (ns: string, name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}) =>
    write('POST', configmaps(ns), { metadata: { name, labels: { 'made-by': 'watch-test', ...labels } }, data });

  async function listRv(path: string): Promise<string> {
    return (await write('GET', path)).metadata.resourceVersion;
  }

  async function eventually(stream: WatchStream, count: number, description: string): Promise<void> {
    await cluster.waitFor(() => stream.events.filter((e) => e.type !== 'BOOKMARK').length >= count, { description, timeout: 15_000 });
  }

  it('sends the headers before any event, then newline-delimited JSON events as they happen', async () => {
    const ns = await namespace('frame');
    const stream = await watches.open(`${configmaps(ns)}?watch=true&${ours}&resourceVersion=${await listRv(configmaps(ns))}`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('application/json');
    expect(stream.headers['transfer-encoding']).toBe('chunked');
    expect(stream.events).toEqual([]);

    const created = await createMap(ns, 'first', {}, { a: '1' });
    await eventually(stream, 1, 'the ADDED event');
    expect(stream.text.endsWith('\n')).toBe(true);
    expect(stream.text.split('\n').filter(Boolean).map((line) => JSON.parse(line))).toEqual(stream.events);
    expect(stream.events).toEqual([{ type: 'ADDED', object: created }]);
    expect(stream.events[0].object).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    stream.close();
  });

  it('sends initial ADDEDs in storage-key order, then the initial-events-end bookmark, for RV unset and "0"', async () => {
    // `order-1-b/…` sorts before `order-1/…` bytewise ('-' < '/'), unlike "namespace, then name".
    const nsA = await namespace('order');
    const nsB = `${nsA}-b`;
    expect((await cluster.request('POST', '/api/v1/namespaces', { metadata: { name: nsB } })).status).toBe(201);
    const label = { test: nsA };
    const created = [await createMap(nsA, 'b', label), await createMap(nsA, 'a', label), await createMap(nsB, 'z', label), await createMap(nsA, 'c', label)];
    const rvByName = Object.fromEntries(created.map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, c.metadata.resourceVersion]));

    for (const rv of ['', '&resourceVersion=0']) {
      const stream = await watches.open(`${configmaps()}?watch=true&allowWatchBookmarks=true&labelSelector=test%3D${nsA}${rv}`);
      await cluster.waitFor(() => stream.events.some((e) => e.type === 'BOOKMARK'), { description: 'the initial-events-end bookmark' });
      const keys = stream.events.slice(0, 4).map((e) => `${e.object.metadata.namespace}/${e.object.metadata.name}`);
      expect(keys).toEqual([`${nsB}/z`, `${nsA}/a`, `${nsA}/b`, `${nsA}/c`]);
      for (const event of stream.events.slice(0, 4)) {
        expect(event.type).toBe('ADDED');
        expect(event.object.metadata.resourceVersion).toBe(rvByName[`${event.object.metadata.namespace}/${event.object.metadata.name}`]);
      }
      const bookmark = stream.events[4];
      expect(bookmark.type).toBe('BOOKMARK');
      expect(rvOf(bookmark.object)).toBeGreaterThanOrEqual(Math.max(...created.map(rvOf)));
      expect(bookmark.object).toEqual({
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: {
          resourceVersion: bookmark.object.metadata.resourceVersion,
          creationTimestamp: null,
          annotations: {
            'k8s.io/initial-events-end': 'true',
            'kubernetes.io/initial-events-list-blueprint': expect.any(String),
          },
        },
      });
      const blueprint = Buffer.from(bookmark.object.metadata.annotations['kubernetes.io/initial-events-list-blueprint'], 'base64').toString();
      expect(blueprint).toBe('{"kind":"ConfigMapList","apiVersion":"v1","metadata":{},"items":null}\n');
      stream.close();
    }

    // Without allowWatchBookmarks there is no marker: the next event is the next change.
    const plain = await watches.open(`${configmaps(nsA)}?watch=true&labelSelector=test%3D${nsA}`);
    await eventually(plain, 3, 'the initial ADDEDs');
    await createMap(nsA, 'd', label);
    await eventually(plain, 4, 'the live ADDED');
    expect(names(plain.events)).toEqual(['ADDED a', 'ADDED b', 'ADDED c', 'ADDED d']);
    expect(plain.events.map((e) => e.type)).not.toContain('BOOKMARK');
    plain.close();
  });

  it('serves the explicit watch-list form and its "no initial events" variant', async () => {
    const ns = await namespace('watchlist');
    const mine = { made: 'here' };
    await createMap(ns, 'one', mine);
    await createMap(ns, 'two', mine);
    const rv = await listRv(configmaps(ns));

    const list = await watches.open(`${configmaps(ns)}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=${rv}&labelSelector=made%3Dhere`);
    await cluster.waitFor(() => list.events.some((e) => e.type === 'BOOKMARK'), { description: 'the initial-events-end bookmark' });
    const live = await watches.open(`${configmaps(ns)}?watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan`);
    const three = await createMap(ns, 'three', mine);
    await eventually(list, 3, 'the live event on the watch-list stream');
    await eventually(live, 1, 'the live event on the stream without initial events');

    expect(list.events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`)).toEqual(['ADDED one', 'ADDED two', 'BOOKMARK ', 'ADDED three']);
    const bookmark = list.events[2].object;
    expect(bookmark.metadata.annotations['k8s.io/initial-events-end']).toBe('true');
    expect(rvOf(bookmark)).toBeGreaterThanOrEqual(Number(rv));
    expect(rvOf(three)).toBeGreaterThan(rvOf(bookmark));
    expect(live.events).toEqual([{ type: 'ADDED', object: three }]);
    list.close();
    live.close();
  });

  it('resumes from a list resourceVersion without gaps or duplicates while writes go on', async () => {
    const ns = await namespace('resume');
    const committed: Array<{ rv: number; name: string; type: string }> = [];
    let listed: string | undefined;
    let listedNames: string[] = [];
    let stream: WatchStream | undefined;
    const writer = async (worker: number) => {
      for (let i = 0; i < 40; i++) {
        const name = `w${worker}-${i % 8}`;
        const path = `${configmaps(ns)}/${name}`;
        if (i < 8) committed.push({ type: 'ADDED', name, rv: rvOf(await createMap(ns, name, {}, { i: String(i) })) });
        else if (i < 32) committed.push({ type: 'MODIFIED', name, rv: rvOf(await write('PATCH', path, { data: { i: String(i) } })) });
        else {
          // The DELETED event's resourceVersion is the deletion's; the answer here may show the last state's.
          await write('DELETE', path);
          committed.push({ type: 'DELETED', name, rv: 0 });
        }
        if (worker === 0 && i === 12) {
          // The other writers go on while this one lists and starts watching from the list.
          const list = await write('GET', `${configmaps(ns)}?${ours}`);
          listed = list.metadata.resourceVersion as string;
          listedNames = list.items.map((item: any) => item.metadata.name);
          stream = await watches.open(`${configmaps(ns)}?watch=true&${ours}&resourceVersion=${listed}`);
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map(writer));
    await createMap(ns, 'sentinel');
    await cluster.waitFor(() => stream!.events.some((e) => e.object.metadata.name === 'sentinel'), { description: 'the sentinel' });

    const events = stream!.events.filter((e) => e.object.metadata.name !== 'sentinel');
    const rvs = events.map((e) => rvOf(e.object));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    expect(new Set(rvs).size).toBe(rvs.length);
    expect(Math.min(...rvs)).toBeGreaterThan(Number(listed));
    const after = committed.filter((c) => c.type !== 'DELETED' && c.rv > Number(listed));
    expect(events.filter((e) => e.type !== 'DELETED').map((e) => `${e.type} ${e.object.metadata.name}@${rvOf(e.object)}`).sort()).toEqual(
      after.map((c) => `${c.type} ${c.name}@${c.rv}`).sort(),
    );
    // Every object ends deleted: each one listed or created after the list has exactly one DELETED.
    const createdAfter = committed.filter((c) => c.type === 'ADDED' && c.rv > Number(listed)).map((c) => c.name);
    expect(events.filter((e) => e.type === 'DELETED').map((e) => e.object.metadata.name).sort()).toEqual([...listedNames, ...createdAfter].sort());
    stream!.close();
  });

  it('accepts a watch from a future resourceVersion silently and sends only later changes', async () => {
    const ns = await namespace('future');
    const future = Number(await listRv(configmaps(ns))) + 1_000_000;
    const stream = await watches.open(`${configmaps(ns)}?watch=true&resourceVersion=${future}&timeoutSeconds=2`);
    expect(stream.status).toBe(200);
    await createMap(ns, 'skipped');
    await stream.finished;
    expect(stream.events).toEqual([]);
  });

  it('turns selector transitions into ADDED and DELETED, the DELETED carrying the previous state at the new version', async () => {
    const ns = await namespace('select');
    const stream = await watches.open(`${configmaps(ns)}?watch=true&labelSelector=color%3Dred&resourceVersion=${await listRv(configmaps(ns))}`);
    const path = `${configmaps(ns)}/x`;
    const created = await createMap(ns, 'x', { color: 'red' }, { v: '1' });
    await createMap(ns, 'y', { color: 'blue' });
    const blue = await write('PATCH', path, { metadata: { labels: { color: 'blue' } }, data: { v: '2' } });
    await write('PATCH', path, { data: { v: '3' } });
    const red = await write('PATCH', path, { metadata: { labels: { color: 'red' } } });
    const modified = await write('PATCH', path, { data: { v: '4' } });
    await write('DELETE', path);
    await eventually(stream, 5, 'five events');

    expect(names(stream.events)).toEqual(['ADDED x', 'DELETED x', 'ADDED x', 'MODIFIED x', 'DELETED x']);
    const [added, left, back, changed, deleted] = stream.events;
    expect(added.object).toEqual(created);
    expect(left.object).toEqual({ ...created, metadata: { ...created.metadata, resourceVersion: blue.metadata.resourceVersion } });
    expect(back.object).toEqual(red);
    expect(changed.object).toEqual(modified);
    expect(deleted.object.data).toEqual({ v: '4' });
    expect(rvOf(deleted.object)).toBeGreaterThan(rvOf(modified));
    stream.close();
  });

  it('scopes a watch to its namespace, and to one object with a metadata.name field selector', async () => {
    const ns1 = await namespace('scope');
    const ns2 = await namespace('scope');
    const label = `scope=${ns1}`;
    const rv = await listRv(configmaps(ns1));
    const scoped = await watches.open(`${configmaps(ns1)}?watch=true&${ours}&resourceVersion=${rv}`);
    const one = await watches.open(`${configmaps(ns1)}?watch=true&fieldSelector=metadata.name%3Done&resourceVersion=${rv}`);
    const everywhere = await watches.open(`${configmaps()}?watch=true&labelSelector=${encodeURIComponent(label)}&resourceVersion=${rv}`);
    await createMap(ns1, 'one', { scope: ns1 });
    await createMap(ns2, 'two', { scope: ns1 });
    await createMap(ns1, 'three', { scope: ns1 });
    await eventually(everywhere, 3, 'all three creations');
    await eventually(scoped, 2, 'the two creations in the namespace');

    expect(names(everywhere.events)).toEqual(['ADDED one', 'ADDED two', 'ADDED three']);
    expect(names(scoped.events)).toEqual(['ADDED one', 'ADDED three']);
    expect(names(one.events)).toEqual(['ADDED one']);
    for (const stream of [scoped, one, everywhere]) stream.close();
  });

  it('ends the stream cleanly after timeoutSeconds', async () => {
    const ns = await namespace('timeout');
    const started = Date.now();
    const stream = await watches.open(`${configmaps(ns)}?watch=true&timeoutSeconds=1`);
    await stream.finished;
    const elapsed = Date.now() - started;
    expect(stream.ended).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(5000);
    // timeoutSeconds=0 means the server's default, not "close at once".
    const unbounded = await watches.open(`${configmaps(ns)}?watch=true&timeoutSeconds=0`);
    await createMap(ns, 'still-open');
    await eventually(unbounded, 1, 'an event on the stream with timeoutSeconds=0');
    expect(unbounded.ended).toBe(false);
    unbounded.close();
  });

  it('answers invalid parameter combinations with the 422, 400 and 500 of kube-apiserver', async () => {
    const ns = await namespace('invalid');
    const base = `${configmaps(ns)}?watch=true`;
    const forbiddenWithoutMatch = { reason: 'FieldValueForbidden', message: 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan', field: 'resourceVersionMatch' };
    const forbiddenWithoutSend = { reason: 'FieldValueForbidden', message: 'Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided', field: 'resourceVersionMatch' };
    const unsupported = (value: string) => ({ reason: 'FieldValueNotSupported', message: `Unsupported value: "${value}": supported values: "NotOlderThan"`, field: 'resourceVersionMatch' });
    const cases: Array<[string, object[]]> = [
      ['&sendInitialEvents=true', [forbiddenWithoutMatch]],
      ['&sendInitialEvents=false', [forbiddenWithoutMatch]],
      ['&resourceVersionMatch=NotOlderThan', [forbiddenWithoutSend]],
      ['&resourceVersionMatch=Exact', [forbiddenWithoutSend, unsupported('Exact')]],
      ['&sendInitialEvents=true&resourceVersionMatch=Exact', [forbiddenWithoutMatch, unsupported('Exact')]],
    ];
    for (const [query, causes] of cases) {
      const response = await cluster.request('GET', base + query);
      const messages = causes.map((c: any) => `${c.field}: ${c.message}`);
      expect(response.status, query).toBe(422);
      expect(response.body, query).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `ListOptions.meta.k8s.io "" is invalid: ${messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`}`,
        reason: 'Invalid',
        details: { group: 'meta.k8s.io', kind: 'ListOptions', causes },
        code: 422,
      });
    }
    const badTimeout = await cluster.request('GET', `${base}&timeoutSeconds=soon`);
    expect(badTimeout.status).toBe(400);
    expect(badTimeout.body).toMatchObject({ reason: 'BadRequest', message: 'strconv.ParseInt: parsing "soon": invalid syntax' });
    const badVersion = await cluster.request('GET', `${base}&resourceVersion=abc`);
    expect(badVersion.status).toBe(500);
    expect(badVersion.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
      code: 500,
    });
  });

  it('sends DELETED with the last state at a new resourceVersion, and nothing for a no-op write', async () => {
    const ns = await namespace('lifecycle');
    const stream = await watches.open(`${configmaps(ns)}?watch=true&${ours}&resourceVersion=${await listRv(configmaps(ns))}`);
    const path = `${configmaps(ns)}/item`;
    await createMap(ns, 'item', { keep: 'yes' }, { a: '1' });
    const last = await write('PATCH', path, { data: { a: '2' } });
    const same = await write('PATCH', path, { data: { a: '2' } });
    expect(same.metadata.resourceVersion).toBe(last.metadata.resourceVersion);
    const put = await write('PUT', path, last);
    expect(put.metadata.resourceVersion).toBe(last.metadata.resourceVersion);
    await write('DELETE', path);
    await eventually(stream, 3, 'ADDED, MODIFIED, DELETED');

    expect(names(stream.events)).toEqual(['ADDED item', 'MODIFIED item', 'DELETED item']);
    const deleted = stream.events[2].object;
    expect({ ...deleted, metadata: { ...deleted.metadata, resourceVersion: undefined } }).toEqual({ ...last, metadata: { ...last.metadata, resourceVersion: undefined } });
    expect(rvOf(deleted)).toBeGreaterThan(rvOf(last));
    expect(Number(await listRv(configmaps(ns)))).toBeGreaterThanOrEqual(rvOf(deleted));
    stream.close();
  });

  it('sends a bookmark before the timeout once the store moved past the watch start', async () => {
    const watched = await namespace('pretimeout');
    const elsewhere = await namespace('pretimeout');
    const stream = await watches.open(`${configmaps(watched)}?watch=true&${ours}&allowWatchBookmarks=true&timeoutSeconds=5&resourceVersion=${await listRv(configmaps(watched))}`);
    const other = await createMap(elsewhere, 'elsewhere');
    await stream.finished;
    const bookmarks = stream.events.filter((e) => e.type === 'BOOKMARK');
    expect(stream.events.length).toBe(bookmarks.length);
    expect(bookmarks.length).toBeGreaterThanOrEqual(1);
    for (const bookmark of bookmarks) {
      expect(bookmark.object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String), creationTimestamp: null } });
      expect(rvOf(bookmark.object)).toBeGreaterThanOrEqual(rvOf(other));
    }
  }, 15_000);

  /**
   * Follows a collection as an informer does: when the server ends the stream, watches again from the
   * last resourceVersion it received.
   */
  function follow(path: string, rv: string) {
    const finished: WatchEvent[] = [];
    let current: WatchStream | undefined;
    let reconnects = 0;
    let stopped = false;
    void (async () => {
      let from = rv;
      while (!stopped) {
        current = await watches.open(`${path}&resourceVersion=${from}`);
        await current.finished.catch(() => {});
        if (stopped) break;
        finished.push(...current.events);
        if (current.events.some((e) => e.type === 'ERROR')) throw new Error(`the follower got ${JSON.stringify(current.events.at(-1))}`);
        from = current.events.at(-1)?.object.metadata.resourceVersion ?? from;
        reconnects++;
      }
    })();
    return {
      events: () => [...finished, ...(current?.events ?? [])],
      reconnects: () => reconnects,
      stop() {
        stopped = true;
        current?.close();
      },
    };
  }

  it('lets a client that stopped reading fall behind without holding up writers or other watchers', async () => {
    const ns = await namespace('stalled');
    const count = 10_000;
    const payload = 'x'.repeat(4096);
    const path = `${configmaps(ns)}?watch=true&${ours}`;
    const rv = await listRv(configmaps(ns));
    const stalled = await watches.open(`${path}&resourceVersion=${rv}`, { stalled: true });
    const reader = follow(path, rv);
    const rssBefore = process.memoryUsage().rss;

    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < count) {
          const i = next++;
          await createMap(ns, `m${String(i).padStart(5, '0')}`, {}, { payload });
        }
      }),
    );
    const written = Date.now();
    await cluster.waitFor(() => reader.events().length >= count, { description: `all ${count} events on the reading watcher`, timeout: 30_000 });
    const events = reader.events();
    expect(events).toHaveLength(count);
    expect(new Set(events.map((e) => e.object.metadata.name)).size).toBe(count);
    console.log(`stalled-watcher run: the reader had every event ${Date.now() - written} ms after the last write, after ${reader.reconnects()} reconnects`);
    reader.stop();

    // Upstream and the embedded server both let go of a watcher that stopped reading: once it reads
    // again it gets what was queued for it, then the end of the stream, and resumes from there.
    stalled.resume();
    await stalled.finished;
    expect(stalled.ended).toBe(true);
    expect(stalled.events.length).toBeLessThan(count);
    const rvs = stalled.events.map((e) => rvOf(e.object));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    console.log(`stalled-watcher run: the stalled client got ${stalled.events.length} events (${stalled.text.length} bytes) before its stream ended`);

    if (cluster.backend === 'embedded') {
      // Upstream may also drop a reader that lags for a moment while the stalled one holds up its
      // dispatcher; the embedded server never makes others pay for one stalled client.
      expect(reader.reconnects()).toBe(0);
      // What the server held for the stalled client is bounded: the limit, plus what the sockets buffer.
      expect(stalled.text.length).toBeLessThan(stalledWatcherBytes + 16 * 1024 * 1024);
      const grown = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
      console.log(`stalled-watcher run: RSS grew by ${grown.toFixed(0)} MiB for ${count} objects of 4 KiB (server and client in one process)`);
      expect(grown).toBeLessThan(400);
    }
  }, 240_000);
});

/** What only the embedded cluster can do: shorten the bookmark interval, limit history, compact on demand. */
describe.skipIf(real)('watch on the embedded cluster (bookmark interval and history size are settable)', () => {
  let cluster: TestCluster;
  let watches: ReturnType<typeof watchOpener>;

  beforeAll(async () => {
    cluster = await startCluster({ backend: 'embedded', bookmarkIntervalMs: 50, historySize: 20 });
    watches = watchOpener(cluster);
    await cluster.request('POST', '/api/v1/namespaces', { metadata: { name: 'quiet' } });
    await cluster.request('POST', '/api/v1/namespaces', { metadata: { name: 'busy' } });
  });
  afterAll(async () => {
    await watches?.close();
    await cluster?.stop();
  });

  const currentRv = async () => (await cluster.request('GET', '/api/v1/namespaces/quiet/configmaps')).body.metadata.resourceVersion as string;

  it('sends periodic bookmarks on an idle stream, carrying the revision the watcher is caught up to', async () => {
    const stream = await watches.open(`/api/v1/namespaces/quiet/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=${await currentRv()}`);
    const without = await watches.open(`/api/v1/namespaces/quiet/configmaps?watch=true&resourceVersion=${await currentRv()}`);
    await cluster.waitFor(() => stream.events.length >= 3, { description: 'three bookmarks' });
    const start = rvOf(stream.events[0].object);
    const elsewhere = await cluster.request('POST', '/api/v1/namespaces/busy/configmaps', { metadata: { name: 'elsewhere' } });
    await cluster.waitFor(() => stream.events.some((e) => rvOf(e.object) >= rvOf(elsewhere.body)), { description: 'a bookmark at the new revision' });
    expect(stream.events.every((e) => e.type === 'BOOKMARK')).toBe(true);
    expect(stream.events.map((e) => rvOf(e.object))).toEqual([...stream.events.map((e) => rvOf(e.object))].sort((a, b) => a - b));
    expect(start).toBeGreaterThan(0);
    expect(without.events).toEqual([]);
    stream.close();
    without.close();
  });

  it('answers a watch from before the retained history with one 410 ERROR event in a 200 stream', async () => {
    const old = await currentRv();
    for (let i = 0; i < 25; i++) await cluster.request('POST', '/api/v1/namespaces/busy/configmaps', { metadata: { name: `churn-${i}` } });
    const stream = await watches.open(`/api/v1/namespaces/quiet/configmaps?watch=true&resourceVersion=${old}`);
    await stream.finished;
    expect(stream.status).toBe(200);
    expect(stream.events).toHaveLength(1);
    expect(stream.events[0]).toEqual({
      type: 'ERROR',
      object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: expect.stringMatching(new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`)), reason: 'Expired', code: 410 },
    });
    const oldest = Number(/\((\d+)\)/.exec(stream.events[0].object.message)![1]);
    expect(oldest).toBeGreaterThan(Number(old));
    // From the oldest retained revision on, the watch is served.
    const resumed = await watches.open(`/api/v1/namespaces/busy/configmaps?watch=true&resourceVersion=${oldest}&timeoutSeconds=1`);
    await resumed.finished;
    expect(resumed.events.filter((e) => e.type === 'ERROR')).toEqual([]);
    expect(resumed.events.length).toBeGreaterThan(0);
  });

  it('expires every earlier revision when history is compacted on demand', async () => {
    await cluster.request('POST', '/api/v1/namespaces/busy/configmaps', { metadata: { name: 'before-compaction' } });
    const rv = Number(await currentRv());
    cluster.faults!.compactHistory();
    const expired = await watches.open(`/api/v1/namespaces/busy/configmaps?watch=true&resourceVersion=${rv - 1}`);
    await expired.finished;
    expect(expired.events.map((e) => [e.type, e.object.code])).toEqual([['ERROR', 410]]);
    const current = await watches.open(`/api/v1/namespaces/busy/configmaps?watch=true&resourceVersion=${rv}`);
    await cluster.request('POST', '/api/v1/namespaces/busy/configmaps', { metadata: { name: 'after-compaction' } });
    await cluster.waitFor(() => current.events.length === 1, { description: 'the event after compaction' });
    expect(names(current.events)).toEqual(['ADDED after-compaction']);
    current.close();
  });

  it('answers a list continue token from before the retained history with 410 and a token to go on inconsistently', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await cluster.request('POST', '/api/v1/namespaces/quiet/configmaps', { metadata: { name } });
    const first = await cluster.request('GET', '/api/v1/namespaces/quiet/configmaps?limit=1');
    expect(first.body.items.map((i: any) => i.metadata.name)).toEqual(['kube-root-ca.crt']);
    const token = first.body.metadata.continue;
    const fresh = await cluster.request('GET', `/api/v1/namespaces/quiet/configmaps?limit=1&continue=${token}`);
    expect(fresh.status).toBe(200);
    expect(fresh.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);

    await cluster.request('POST', '/api/v1/namespaces/busy/configmaps', { metadata: { name: 'after-list' } });
    cluster.faults!.compactHistory();
    const expired = await cluster.request('GET', `/api/v1/namespaces/quiet/configmaps?limit=1&continue=${token}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
      message: expect.stringMatching(/^The provided continue parameter is too old to display a consistent list result\. .* may show up in the list\.$/),
      metadata: { continue: expect.any(String) },
    });
    const inconsistent = await cluster.request('GET', `/api/v1/namespaces/quiet/configmaps?limit=10&continue=${expired.body.metadata.continue}`);
    expect(inconsistent.status).toBe(200);
    expect(inconsistent.body.items.map((i: any) => i.metadata.name)).toEqual(['page-a', 'page-b', 'page-c']);
    expect(inconsistent.body.metadata.resourceVersion).toBe(await currentRv());
  });

  it('answers a watch-list from a future revision with a 504 ERROR event after waiting for it', async () => {
    const future = Number(await currentRv()) + 1000;
    const started = Date.now();
    const stream = await watches.open(`/api/v1/namespaces/quiet/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=${future}`);
    await stream.finished;
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(stream.events).toEqual([
      {
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `Timeout: Too large resource version: ${future}, current: ${await currentRv()}`,
          reason: 'Timeout',
          details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
          code: 504,
        },
      },
    ]);
  });

  it('serves a watch-list from a revision that the store reaches while it waits', async () => {
    const next = Number(await currentRv()) + 1;
    const stream = await watches.open(`/api/v1/namespaces/quiet/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=${next}`);
    expect(stream.events).toEqual([]);
    await cluster.request('POST', '/api/v1/namespaces/quiet/configmaps', { metadata: { name: 'arrives' } });
    const bookmark = await cluster.waitFor(() => stream.events.find((e) => e.type === 'BOOKMARK'), { description: 'the initial-events-end bookmark' });
    expect(bookmark.object.metadata.annotations['k8s.io/initial-events-end']).toBe('true');
    expect(rvOf(bookmark.object)).toBeGreaterThanOrEqual(next);
    expect(names(stream.events)).toContain('ADDED arrives');
    stream.close();
  });
});
