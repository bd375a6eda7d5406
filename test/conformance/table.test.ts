import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { watchOpener } from '../support/watch-stream.ts';
import { apiOf, createCrd, createNamespace, expectStatus, masked, widget, widgetCrd, type Api } from './support.ts';

const group = 'table.conformance.example.com';
const ns = 'table';
const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const asTable = { accept: tableAccept };
const age = /^\d+s$/;

/** Column definitions without their descriptions (prose that differs, see docs/embedded-cluster.md). */
const columns = (table: { columnDefinitions: Array<Record<string, unknown>> }) => table.columnDefinitions.map(({ name, type, format, priority }) => ({ name, type, format, priority }));
const column = (name: string, type = 'string', priority = 0, format = '') => ({ name, type, format, priority });

describe('Table output', () => {
  let cluster: TestCluster;
  let api: Api;

  beforeAll(async () => {
    cluster = await startCluster();
    api = apiOf(cluster);
    await createNamespace(cluster, ns, { serviceAccount: true });
    await createCrd(cluster, widgetCrd(group));
    await createCrd(cluster, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `plains.${group}` },
      spec: { group, scope: 'Namespaced', names: { plural: 'plains', kind: 'Plain' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('renders a built-in object as a one-row Table with PartialObjectMetadata', async () => {
    const created = (await api.post(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'cm', labels: { a: 'b' } }, data: { x: '1', y: '2' } })).body;
    const table = (await api.get(`/api/v1/namespaces/${ns}/configmaps/cm`, asTable)).body;
    expect(table.kind).toBe('Table');
    expect(table.apiVersion).toBe('meta.k8s.io/v1');
    expect(table.metadata).toEqual({ resourceVersion: created.metadata.resourceVersion });
    expect(columns(table)).toEqual([column('Name', 'string', 0, 'name'), column('Data'), column('Age')]);
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0].cells.slice(0, 2)).toEqual(['cm', 2]);
    expect(table.rows[0].cells[2]).toMatch(age);
    expect(table.rows[0].object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: created.metadata });
  });

  it('fills every column of the pod printer, priority 1 included', async () => {
    await api.post(`/api/v1/namespaces/${ns}/pods`, { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const table = (await api.get(`/api/v1/namespaces/${ns}/pods`, asTable)).body;
    expect(columns(table)).toEqual([
      column('Name', 'string', 0, 'name'), column('Ready'), column('Status'), column('Restarts', 'string'), column('Age'),
      column('IP', 'string', 1), column('Node', 'string', 1), column('Nominated Node', 'string', 1), column('Readiness Gates', 'string', 1),
    ]);
    const [name, ready, status, restarts, podAge, ...wide] = table.rows[0].cells;
    expect([name, ready, status, restarts]).toEqual(['p', '0/1', 'Pending', '0']);
    expect(podAge).toMatch(age);
    expect(wide).toEqual(['<none>', '<none>', '<none>', '<none>']);
  });

  it('renders Deployments and Namespaces with their printers', async () => {
    await api.post(`/apis/apps/v1/namespaces/${ns}/deployments`, {
      metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'busybox' }] } } },
    });
    const deployments = (await api.get(`/apis/apps/v1/namespaces/${ns}/deployments`, asTable)).body;
    expect(columns(deployments)).toEqual([
      column('Name', 'string', 0, 'name'), column('Ready'), column('Up-to-date', 'string'), column('Available', 'string'), column('Age'),
      column('Containers', 'string', 1), column('Images', 'string', 1), column('Selector', 'string', 1),
    ]);
    const cells = deployments.rows[0].cells;
    expect([...cells.slice(0, 4), ...cells.slice(5)]).toEqual(['web', '0/2', 0, 0, 'a,b', 'nginx:1,busybox', 'app=web']);
    const namespaces = (await api.get(`/api/v1/namespaces/${ns}`, asTable)).body;
    expect(columns(namespaces)).toEqual([column('Name', 'string', 0, 'name'), column('Status'), column('Age')]);
    expect(namespaces.rows[0].cells.slice(0, 2)).toEqual([ns, 'Active']);
  });

  it('renders custom resources with their printer columns, or an Age column without any', async () => {
    await api.post(`/apis/${group}/v1/namespaces/${ns}/widgets`, widget(group, 'w1', { size: 3 }));
    const table = (await api.get(`/apis/${group}/v1/namespaces/${ns}/widgets`, asTable)).body;
    expect(columns(table)).toEqual([column('Name', 'string', 0, 'name'), column('Size', 'integer'), column('Color')]);
    expect(table.rows[0].cells).toEqual(['w1', 3, 'red']);
    await api.post(`/apis/${group}/v1/namespaces/${ns}/plains`, { apiVersion: `${group}/v1`, kind: 'Plain', metadata: { name: 'p1' } });
    const plain = (await api.get(`/apis/${group}/v1/namespaces/${ns}/plains`, asTable)).body;
    expect(columns(plain)).toEqual([column('Name', 'string', 0, 'name'), column('Age', 'date')]);
    expect(plain.rows[0].cells[1]).toMatch(age);
    const crds = (await api.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/plains.${group}`, asTable)).body;
    expect(columns(crds)).toEqual([column('Name', 'string', 0, 'name'), column('Created At', 'date')]);
    expect(crds.rows[0].cells[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('embeds no object, metadata or the whole object as includeObject asks, and answers rows: [] for nothing', async () => {
    const widgets = `/apis/${group}/v1/namespaces/${ns}/widgets`;
    expect((await api.get(`${widgets}?includeObject=None`, asTable)).body.rows[0].object).toBeNull();
    const full = (await api.get(`${widgets}?includeObject=Object`, asTable)).body.rows[0].object;
    expect(masked(full)).toMatchObject({ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3, color: 'red' } });
    expectStatus(await api.get(`${widgets}?includeObject=Bogus`, asTable), {
      code: 400, reason: 'BadRequest', message: `Unable to convert to Table as requested: includeObject: Invalid value: "Bogus": must be 'Metadata', 'Object', 'None', or empty`,
    });
    const empty = (await api.get(`/api/v1/namespaces/${ns}/secrets?labelSelector=none`, asTable)).body;
    expect(empty.rows).toEqual([]);
  });

  it('streams Table events with the column definitions on the first one only, except in the watch-list form', async () => {
    const watches = watchOpener(cluster);
    try {
      await api.post(`/apis/${group}/v1/namespaces/${ns}/widgets`, widget(group, 'w2', { size: 4 }));
      const stream = await watches.open(`/apis/${group}/v1/namespaces/${ns}/widgets?watch=true&timeoutSeconds=1`, { headers: asTable });
      await stream.finished;
      expect(stream.events.map((e) => e.type)).toEqual(['ADDED', 'ADDED']);
      expect(stream.events[0].object.kind).toBe('Table');
      expect(columns(stream.events[0].object)).toEqual([column('Name', 'string', 0, 'name'), column('Size', 'integer'), column('Color')]);
      expect(stream.events[1].object.columnDefinitions).toBeNull();
      expect(stream.events[1].object.rows[0].cells).toEqual(['w2', 4, 'red']);
      const watchList = await watches.open(`/apis/${group}/v1/namespaces/${ns}/widgets?watch=true&allowWatchBookmarks=true&timeoutSeconds=1`, { headers: asTable });
      await watchList.finished;
      expect(watchList.events.map((e) => `${e.type} ${e.object.kind}`)).toEqual(['ADDED Widget', 'ADDED Widget', 'BOOKMARK Widget']);
    } finally {
      await watches.close();
    }
  });
});
