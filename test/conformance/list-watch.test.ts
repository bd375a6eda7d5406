import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { watchOpener, type WatchEvent, type WatchStream } from '../support/watch-stream.ts';
import { apiOf, createCrd, createNamespace, expectStatus, names, widget, widgetCrd, type Api } from './support.ts';

const group = 'lw.conformance.example.com';
const ns = 'lw';
const cms = `/api/v1/namespaces/${ns}/configmaps`;
const widgets = `/apis/${group}/v1/namespaces/${ns}/widgets`;
const secrets = `/api/v1/namespaces/${ns}/secrets`;

/** `TYPE name` for the object events of a stream. */
const typesAndNames = (events: WatchEvent[]) => events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.object.metadata.name}`);

const decode = (base64: string) => Buffer.from(base64, 'base64').toString();

describe('list, watch and resourceVersion semantics', () => {
  let cluster: TestCluster;
  let api: Api;
  let watches: ReturnType<typeof watchOpener>;

  /** Waits until a stream has received `count` events. */
  const received = (stream: WatchStream, count: number) =>
    cluster.waitFor(() => stream.events.length >= count, { description: `${count} watch events (have ${stream.events.length})`, timeout: 10_000 });

  beforeAll(async () => {
    cluster = await startCluster();
    api = apiOf(cluster);
    watches = watchOpener(cluster);
    await createNamespace(cluster, ns);
    await createCrd(cluster, widgetCrd(group));
    // Every object of these tests has a `set` label: selecting on it leaves out what controllers add (kube-root-ca.crt).
    for (const name of ['b', 'a', 'c']) await api.post(cms, { metadata: { name, labels: { set: 'one' } } });
    for (const name of ['s2', 's1', 's3']) await api.post(secrets, { metadata: { name } });
  });
  afterAll(async () => {
    await watches?.close();
    await cluster?.stop();
  });

  it('lists in storage-key order with a list resourceVersion no older than any item', async () => {
    const list = (await api.get(`${cms}?labelSelector=set%3Done`)).body;
    expect(names(list)).toEqual(['a', 'b', 'c']);
    const listRv = Number(list.metadata.resourceVersion);
    for (const item of list.items) expect(Number(item.metadata.resourceVersion)).toBeLessThanOrEqual(listRv);
  });

  it('sends initial ADDED events, then the initial-events-end bookmark, for a watch without resourceVersion', async () => {
    const list = (await api.get(`${cms}?labelSelector=set%3Done`)).body;
    const stream = await watches.open(`${cms}?watch=true&allowWatchBookmarks=true&labelSelector=set%3Done&timeoutSeconds=1`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('application/json');
    await stream.finished;
    expect(stream.events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`)).toEqual(['ADDED a', 'ADDED b', 'ADDED c', 'BOOKMARK ']);
    for (const [i, event] of stream.events.slice(0, 3).entries()) expect(event.object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', ...list.items[i] });
    const bookmark = stream.events[3].object;
    expect(Number(bookmark.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(list.metadata.resourceVersion));
    expect(bookmark).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: {
        resourceVersion: bookmark.metadata.resourceVersion,
        creationTimestamp: null,
        annotations: { 'k8s.io/initial-events-end': 'true', 'kubernetes.io/initial-events-list-blueprint': expect.any(String) },
      },
    });
    expect(decode(bookmark.metadata.annotations['kubernetes.io/initial-events-list-blueprint'])).toBe('{"kind":"ConfigMapList","apiVersion":"v1","metadata":{},"items":null}\n');
  });

  it('sends initial events without a marker when bookmarks are not allowed, and the custom resource bookmark shape', async () => {
    const plain = await watches.open(`${cms}?watch=true&resourceVersion=0&labelSelector=set%3Done&timeoutSeconds=1`);
    await plain.finished;
    expect(typesAndNames(plain.events)).toEqual(['ADDED a', 'ADDED b', 'ADDED c']);
    expect(plain.events).toHaveLength(3);

    await api.post(widgets, widget(group, 'w1'));
    const custom = await watches.open(`${widgets}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1`);
    await custom.finished;
    expect(typesAndNames(custom.events)).toEqual(['ADDED w1']);
    const bookmark = custom.events.at(-1)!;
    expect(bookmark.type).toBe('BOOKMARK');
    expect(bookmark.object).toEqual({
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: {
        resourceVersion: bookmark.object.metadata.resourceVersion,
        annotations: { 'k8s.io/initial-events-end': 'true', 'kubernetes.io/initial-events-list-blueprint': expect.any(String) },
      },
    });
    expect(decode(bookmark.object.metadata.annotations['kubernetes.io/initial-events-list-blueprint'])).toBe(`{"apiVersion":"${group}/v1","items":[],"kind":"WidgetList"}\n`);
  });

  it('resumes from a list resourceVersion without gaps or duplicates, in resourceVersion order', async () => {
    const list = (await api.get(cms)).body;
    const rv = list.metadata.resourceVersion;
    const created = (await api.post(cms, { metadata: { name: 'd', labels: { set: 'two' } } })).body;
    const modified = (await api.patch(`${cms}/d`, { data: { k: 'v' } })).body;
    const deleted = await api.del(`${cms}/d`);
    expect(deleted.status).toBe(200);
    const stream = await watches.open(`${cms}?watch=true&resourceVersion=${rv}&labelSelector=set`);
    await received(stream, 3);
    stream.close();
    expect(typesAndNames(stream.events)).toEqual(['ADDED d', 'MODIFIED d', 'DELETED d']);
    const rvs = stream.events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs[0]).toBe(Number(created.metadata.resourceVersion));
    expect(rvs[1]).toBe(Number(modified.metadata.resourceVersion));
    expect(rvs[2]).toBeGreaterThan(rvs[1]);
    // The DELETED event carries the last state.
    expect(stream.events[2].object.data).toEqual({ k: 'v' });
  });

  it('turns selector transitions into ADDED and DELETED, the latter with the previous state at the new resourceVersion', async () => {
    const start = (await api.get(cms)).body.metadata.resourceVersion;
    const stream = await watches.open(`${cms}?watch=true&resourceVersion=${start}&labelSelector=phase%3Dactive`);
    await api.post(cms, { metadata: { name: 'sel', labels: { phase: 'idle' } } });
    await api.patch(`${cms}/sel`, { metadata: { labels: { phase: 'active' } } });
    await api.patch(`${cms}/sel`, { data: { n: '1' } });
    const left = (await api.patch(`${cms}/sel`, { metadata: { labels: { phase: 'idle' } } })).body;
    await api.patch(`${cms}/sel`, { metadata: { labels: { phase: 'active' } } });
    await api.del(`${cms}/sel`);
    // Events come in order: once a later object's ADDED is in, every event of 'sel' is.
    await api.post(cms, { metadata: { name: 'sel-after', labels: { phase: 'active' } } });
    await received(stream, 6);
    stream.close();
    await api.del(`${cms}/sel-after`);
    expect(typesAndNames(stream.events)).toEqual(['ADDED sel', 'MODIFIED sel', 'DELETED sel', 'ADDED sel', 'DELETED sel', 'ADDED sel-after']);
    const leaving = stream.events[2].object;
    expect(leaving.metadata.labels).toEqual({ phase: 'active' });
    expect(leaving.metadata.resourceVersion).toBe(left.metadata.resourceVersion);
  });

  it('watches a single object by field selector and through the deprecated /watch/ path', async () => {
    const start = (await api.get(cms)).body.metadata.resourceVersion;
    const byField = await watches.open(`${cms}?watch=true&resourceVersion=${start}&fieldSelector=metadata.name%3Da`);
    const byPath = await watches.open(`/api/v1/watch/namespaces/${ns}/configmaps/a?resourceVersion=${start}`);
    await api.patch(`${cms}/b`, { data: { touched: 'b' } });
    await api.patch(`${cms}/a`, { data: { touched: 'a' } });
    await received(byField, 1);
    await received(byPath, 1);
    byField.close();
    byPath.close();
    expect(typesAndNames(byField.events)).toEqual(['MODIFIED a']);
    expect(typesAndNames(byPath.events)).toEqual(['MODIFIED a']);
  });

  it('accepts a plain watch from a future resourceVersion silently, and ends a stream at timeoutSeconds', async () => {
    const current = Number((await api.get(cms)).body.metadata.resourceVersion);
    const started = Date.now();
    const stream = await watches.open(`${cms}?watch=true&resourceVersion=${current + 1000}&timeoutSeconds=1`);
    expect(stream.status).toBe(200);
    await stream.finished;
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(stream.events).toEqual([]);
  });

  it('answers a watch-list from a future resourceVersion with a 504 ERROR event', async () => {
    const current = Number((await api.get(cms)).body.metadata.resourceVersion);
    const stream = await watches.open(`${cms}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=${current + 1000}`);
    expect(stream.status).toBe(200);
    await stream.finished;
    expect(stream.events).toHaveLength(1);
    expect(stream.events[0].type).toBe('ERROR');
    expect(stream.events[0].object).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: expect.stringMatching(new RegExp(`^Timeout: Too large resource version: ${current + 1000}, current: \\d+$`)),
      reason: 'Timeout',
      details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
      code: 504,
    });
  });

  it('answers 410 Expired for a resourceVersion older than the retained history (embedded: compaction by fault injection)', async (context) => {
    // The real server compacts every five minutes; only the embedded one can be made to forget on demand.
    if (!cluster.faults) return context.skip();
    const old = (await api.get(`${secrets}?limit=1`)).body;
    await api.post(secrets, { metadata: { name: 'after-compaction' } });
    cluster.faults.compactHistory();
    const stream = await watches.open(`${secrets}?watch=true&resourceVersion=${old.metadata.resourceVersion}`);
    await stream.finished;
    expect(stream.status).toBe(200);
    expect(stream.events).toHaveLength(1);
    expect(stream.events[0].type).toBe('ERROR');
    expect(stream.events[0].object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410, message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/) });
    const expired = await api.get(`${secrets}?limit=1&continue=${encodeURIComponent(old.metadata.continue)}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410, message: expect.stringMatching(/^The provided continue parameter is too old to display a consistent list result\./) });
    expect(expired.body.metadata.continue).toEqual(expect.any(String));
    expectStatus(await api.get(`${secrets}?resourceVersion=${old.metadata.resourceVersion}&resourceVersionMatch=Exact`), {
      code: 410, reason: 'Expired', message: 'The resourceVersion for the provided list is too old.',
    });
    await api.del(`${secrets}/after-compaction`);
  });

  it('validates watch and list options', async () => {
    expectStatus(await api.get(`${cms}?watch=true&sendInitialEvents=true&resourceVersionMatch=Exact`), {
      code: 422,
      reason: 'Invalid',
      message: 'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]',
      details: {
        group: 'meta.k8s.io',
        kind: 'ListOptions',
        causes: [
          { reason: 'FieldValueForbidden', field: 'resourceVersionMatch', message: 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan' },
          { reason: 'FieldValueNotSupported', field: 'resourceVersionMatch', message: 'Unsupported value: "Exact": supported values: "NotOlderThan"' },
        ],
      },
    });
    const forbidden = (field: string, detail: string) => ({
      code: 422, reason: 'Invalid', message: `ListOptions.meta.k8s.io "" is invalid: ${field}: ${detail}`, details: { group: 'meta.k8s.io', kind: 'ListOptions', causes: [{ reason: 'FieldValueForbidden', field, message: detail }] },
    });
    expectStatus(await api.get(`${cms}?watch=true&resourceVersionMatch=NotOlderThan`), forbidden('resourceVersionMatch', 'Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    expectStatus(await api.get(`${cms}?sendInitialEvents=true`), forbidden('sendInitialEvents', 'Forbidden: sendInitialEvents is forbidden for list'));
    expectStatus(await api.get(`${cms}?resourceVersionMatch=Exact`), forbidden('resourceVersionMatch', 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'));
    expectStatus(await api.get(`${cms}?resourceVersionMatch=Exact&resourceVersion=0`), forbidden('resourceVersionMatch', 'Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    const unparsable = { code: 500, message: 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax' };
    expectStatus(await api.get(`${cms}?resourceVersion=abc`), unparsable);
    expectStatus(await api.get(`${cms}/a?resourceVersion=abc`), unparsable);
    expectStatus(await api.get(`${cms}?watch=true&resourceVersion=abc`), unparsable);
  });

  it('answers a read from a future resourceVersion with 504 after waiting', async () => {
    const current = Number((await api.get(cms)).body.metadata.resourceVersion);
    const response = await api.get(`${cms}/a?resourceVersion=${current + 1000}`);
    expectStatus(response, {
      code: 504,
      reason: 'Timeout',
      message: new RegExp(`^Timeout: Too large resource version: ${current + 1000}, current: \\d+$`),
      details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
    });
  });

  it('pages with limit and continue at one resourceVersion, and ignores the limit at resourceVersion 0', async () => {
    const first = (await api.get(`${secrets}?limit=2`)).body;
    expect(names(first)).toEqual(['s1', 's2']);
    expect(first.metadata.continue).toEqual(expect.any(String));
    expect(first.metadata.remainingItemCount).toBe(1);
    await api.post(secrets, { metadata: { name: 's0-late' } });
    const second = (await api.get(`${secrets}?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`)).body;
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(names(second)).toEqual(['s3']);
    expect(second.metadata.continue).toBeUndefined();
    await api.del(`${secrets}/s0-late`);
    // A selective page still says more may follow when keys remain, matching or not.
    const selective = (await api.get(`${cms}?limit=1&labelSelector=set%3Done`)).body;
    expect(names(selective)).toEqual(['a']);
    expect(selective.metadata.continue).toEqual(expect.any(String));
    expect(selective.metadata.remainingItemCount).toBeUndefined();
    const cached = (await api.get(`${secrets}?limit=1&resourceVersion=0`)).body;
    expect(names(cached)).toEqual(['s1', 's2', 's3']);
    expect(cached.metadata.continue).toBeUndefined();
    expectStatus(await api.get(`${cms}?limit=1&continue=${encodeURIComponent(first.metadata.continue)}&resourceVersion=5`), {
      code: 400, reason: 'BadRequest', message: 'specifying resource version is not allowed when using continue',
    });
  });

  it('serves the later pages of a list as the collection was at the first page', async () => {
    await createNamespace(cluster, 'lw-pages');
    const pages = '/api/v1/namespaces/lw-pages/configmaps';
    for (const name of ['p1', 'p2', 'p3', 'p4']) await api.post(pages, { metadata: { name, labels: { page: 'yes' } }, data: { v: 'first' } });
    const first = (await api.get(`${pages}?limit=2&labelSelector=page%3Dyes`)).body;
    expect(names(first)).toEqual(['p1', 'p2']);
    await api.patch(`${pages}/p3`, { data: { v: 'second' } });
    await api.del(`${pages}/p4`);
    await api.post(pages, { metadata: { name: 'p5', labels: { page: 'yes' } } });
    const second = (await api.get(`${pages}?limit=2&labelSelector=page%3Dyes&continue=${encodeURIComponent(first.metadata.continue)}`)).body;
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(names(second)).toEqual(['p3', 'p4']);
    expect(second.items.map((item: { data: Record<string, string> }) => item.data.v)).toEqual(['first', 'first']);
    // p5 came after the first page: nothing follows p4.
    expect(second.metadata.continue).toBeUndefined();
    const now = (await api.get(`${pages}?labelSelector=page%3Dyes`)).body;
    expect(names(now)).toEqual(['p1', 'p2', 'p3', 'p5']);
  });

  it('lists the state at an exact past resourceVersion', async () => {
    const before = (await api.get(secrets)).body;
    await api.post(secrets, { metadata: { name: 'later' } });
    await api.patch(`${secrets}/s1`, { stringData: { exact: 'later' } });
    const exact = (await api.get(`${secrets}?resourceVersion=${before.metadata.resourceVersion}&resourceVersionMatch=Exact`)).body;
    expect(exact.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(exact.items).toEqual(before.items);
    await api.del(`${secrets}/later`);
  });

  it('sorts cluster-wide lists by storage key bytewise', async () => {
    await createNamespace(cluster, 'lw-a');
    await createNamespace(cluster, 'lw-a-b');
    await api.post('/api/v1/namespaces/lw-a/secrets', { metadata: { name: 'x', labels: { sorting: 'yes' } } });
    await api.post('/api/v1/namespaces/lw-a-b/secrets', { metadata: { name: 'x', labels: { sorting: 'yes' } } });
    const list = (await api.get('/api/v1/secrets?labelSelector=sorting%3Dyes')).body;
    expect(list.items.map((i: { metadata: { namespace: string } }) => i.metadata.namespace)).toEqual(['lw-a-b', 'lw-a']);
  });

  it('filters by the full label selector grammar and answers 400 for bad selectors', async () => {
    await api.post(cms, { metadata: { name: 'g1', labels: { grammar: 'yes', tier: 'web', n: '5' } } });
    await api.post(cms, { metadata: { name: 'g2', labels: { grammar: 'yes', tier: 'db', n: '10' } } });
    await api.post(cms, { metadata: { name: 'g3', labels: { grammar: 'yes' } } });
    const select = async (selector: string) => names((await api.get(`${cms}?labelSelector=${encodeURIComponent(`grammar=yes,${selector}`)}`)).body);
    expect(await select('tier in (web,db)')).toEqual(['g1', 'g2']);
    expect(await select('tier notin (web)')).toEqual(['g2', 'g3']);
    expect(await select('tier!=db')).toEqual(['g1', 'g3']);
    expect(await select('!tier')).toEqual(['g3']);
    expect(await select('tier')).toEqual(['g1', 'g2']);
    expect(await select('n>6')).toEqual(['g2']);
    expect(await select('n<6')).toEqual(['g1']);
    expect(await select(' tier == web ')).toEqual(['g1']);
    expectStatus(await api.get(`${cms}?labelSelector=x%3D%3D%3D1`), { code: 400, reason: 'BadRequest', message: "unable to parse requirement: found '=', expected: identifier" });
    expectStatus(await api.get(`${cms}?labelSelector=a%20in%20(b`), { code: 400, reason: 'BadRequest', message: "unable to parse requirement: found '', expected: ',' or ')'" });
  });

  it('supports the field selectors of each kind and refuses others', async () => {
    expect(names((await api.get(`${cms}?fieldSelector=metadata.name%3Da`)).body)).toEqual(['a']);
    expect(names((await api.get(`${cms}?fieldSelector=metadata.name!%3Da,metadata.namespace%3D${ns}&labelSelector=set%3Done`)).body)).toEqual(['b', 'c']);
    expectStatus(await api.get(`${cms}?fieldSelector=spec.foo%3D1`), {
      code: 400, reason: 'BadRequest', message: '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"',
    });
    expectStatus(await api.get(`/api/v1/namespaces/${ns}/pods?fieldSelector=spec.foo%3D1`), { code: 400, reason: 'BadRequest', message: 'field label not supported: spec.foo' });
    expectStatus(await api.get(`${widgets}?fieldSelector=spec.size%3D1`), { code: 400, reason: 'BadRequest', message: 'field label not supported: spec.size' });
    expectStatus(await api.get('/api/v1/namespaces?fieldSelector=metadata.namespace%3Dx'), { code: 400, reason: 'BadRequest', message: 'field label not supported: metadata.namespace' });
    expectStatus(await api.get(`${cms}?fieldSelector=metadata.name%3Da%3Db`), { code: 400, reason: 'BadRequest', message: 'invalid field selector: unescaped character in value: 61' });
    const running = await api.get(`/api/v1/pods?fieldSelector=status.phase%3DRunning,spec.nodeName%3Dnowhere`);
    expect(running.body.items).toEqual([]);
  });
});
