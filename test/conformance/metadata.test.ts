import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { apiOf, createCrd, createNamespace, expectStatus, jsonPatch, times, widget, widgetCrd, type Api } from './support.ts';
import { watchOpener } from '../support/watch-stream.ts';

const group = 'meta.conformance.example.com';
const ns = 'meta';
const cms = `/api/v1/namespaces/${ns}/configmaps`;
const widgets = `/apis/${group}/v1/namespaces/${ns}/widgets`;
const otherUid = '12345678-1234-1234-1234-123456789012';
const nameRule = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const subdomainRule = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('object metadata semantics', () => {
  let cluster: TestCluster;
  let api: Api;

  beforeAll(async () => {
    cluster = await startCluster();
    api = apiOf(cluster);
    await createNamespace(cluster, ns);
    await createCrd(cluster, widgetCrd(group));
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('sets uid and creationTimestamp itself on create, and keeps a client generation on kinds without one', async () => {
    const created = await api.post(cms, {
      metadata: { name: 'owned', uid: otherUid, creationTimestamp: '2020-01-01T00:00:00Z', deletionTimestamp: '2020-01-01T00:00:00Z', deletionGracePeriodSeconds: 5, generation: 7 },
    });
    expect(created.status).toBe(201);
    const meta = created.body.metadata;
    expect(meta.uid).not.toBe(otherUid);
    expect(meta.creationTimestamp).not.toBe('2020-01-01T00:00:00Z');
    expect(meta.deletionTimestamp).toBeUndefined();
    expect(meta.deletionGracePeriodSeconds).toBeUndefined();
    expect(meta.generation).toBe(7);
    // Updates ignore the client's generation.
    const patched = await api.patch(`${cms}/owned`, { metadata: { generation: 99, labels: { x: 'y' } } });
    expect(patched.body.metadata.generation).toBe(7);
  });

  it('keeps uid and creationTimestamp on update: a PUT with another uid is a 409, a PATCH a 422', async () => {
    const current = (await api.get(`${cms}/owned`)).body;
    const put = await api.put(`${cms}/owned`, { metadata: { name: 'owned', uid: otherUid } });
    expectStatus(put, {
      code: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on configmaps "owned": StorageError: invalid object, Code: 4, Key: /registry/configmaps/${ns}/owned, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: ${otherUid}, UID in object meta: ${current.metadata.uid}`,
      details: { name: 'owned', kind: 'configmaps' },
    });
    const immutable = { reason: 'FieldValueInvalid', field: 'metadata.uid', message: `Invalid value: "${otherUid}": field is immutable` };
    expectStatus(await api.patch(`${cms}/owned`, { metadata: { uid: otherUid } }), {
      code: 422, reason: 'Invalid', message: `ConfigMap "owned" is invalid: metadata.uid: ${immutable.message}`, details: { name: 'owned', kind: 'ConfigMap', causes: times(2, immutable) },
    });
    const withoutUid = await api.put(`${cms}/owned`, { metadata: { name: 'owned', creationTimestamp: '2020-01-01T00:00:00Z' } });
    expect(withoutUid.status).toBe(200);
    expect(withoutUid.body.metadata.uid).toBe(current.metadata.uid);
    expect(withoutUid.body.metadata.creationTimestamp).toBe(current.metadata.creationTimestamp);
    const deletion = { reason: 'FieldValueInvalid', field: 'metadata.deletionTimestamp', message: 'Invalid value: 2020-01-01 00:00:00 +0000 UTC: field is immutable' };
    expectStatus(await api.patch(`${cms}/owned`, { metadata: { deletionTimestamp: '2020-01-01T00:00:00Z' } }), {
      code: 422, reason: 'Invalid', message: `ConfigMap "owned" is invalid: metadata.deletionTimestamp: ${deletion.message}`, details: { name: 'owned', kind: 'ConfigMap', causes: times(2, deletion) },
    });
  });

  it('counts generation for custom resources: spec changes bump it, metadata and status changes do not', async () => {
    const created = await api.post(widgets, widget(group, 'gen', { size: 1 }));
    expect(created.body.metadata.generation).toBe(1);
    const spec = await api.patch(`${widgets}/gen`, { spec: { size: 2 } });
    expect(spec.body.metadata.generation).toBe(2);
    const labels = await api.patch(`${widgets}/gen`, { metadata: { labels: { a: 'b' } } });
    expect(labels.body.metadata.generation).toBe(2);
    expect(labels.body.metadata.resourceVersion).not.toBe(spec.body.metadata.resourceVersion);
    const status = await api.patch(`${widgets}/gen/status`, { status: { phase: 'Running' } });
    expect(status.body.metadata.generation).toBe(2);
    expect(status.body.status).toEqual({ phase: 'Running' });
    // With the status subresource, status written through the main endpoint is dropped: a no-op.
    const ignored = await api.patch(`${widgets}/gen`, { status: { phase: 'Other' } });
    expect(ignored.body.status).toEqual({ phase: 'Running' });
    expect(ignored.body.metadata.resourceVersion).toBe(status.body.metadata.resourceVersion);
  });

  it('bumps a Deployment generation on spec and annotation changes, not on label changes', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } },
    };
    const path = `/apis/apps/v1/namespaces/${ns}/deployments`;
    expect((await api.post(path, deployment)).body.metadata.generation).toBe(1);
    expect((await api.patch(`${path}/web`, { metadata: { labels: { tier: 'front' } } })).body.metadata.generation).toBe(1);
    expect((await api.patch(`${path}/web`, { metadata: { annotations: { note: 'x' } } })).body.metadata.generation).toBe(2);
    expect((await api.patch(`${path}/web`, { spec: { replicas: 3 } })).body.metadata.generation).toBe(3);
    expect((await api.patch(`${path}/web/status`, { status: { replicas: 3 } })).body.metadata.generation).toBe(3);
  });

  it('generates names from generateName with a 5-character suffix, and validates the prefix too', async () => {
    const created = await api.post(cms, { metadata: { generateName: 'gen-' } });
    expect(created.status).toBe(201);
    expect(created.body.metadata.generateName).toBe('gen-');
    expect(created.body.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const bad = await api.post(cms, { metadata: { generateName: 'Gen-' } });
    expect(bad.status).toBe(422);
    const generated = bad.body.details.name as string;
    expect(generated).toMatch(/^Gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expectStatus(bad, {
      code: 422,
      reason: 'Invalid',
      message: `ConfigMap "${generated}" is invalid: [metadata.generateName: Invalid value: "Gen-": ${subdomainRule}, metadata.name: Invalid value: "${generated}": ${subdomainRule}]`,
      details: {
        name: generated,
        kind: 'ConfigMap',
        causes: [
          { reason: 'FieldValueInvalid', field: 'metadata.generateName', message: `Invalid value: "Gen-": ${subdomainRule}` },
          { reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${generated}": ${subdomainRule}` },
        ],
      },
    });
  });

  it('validates names per kind: namespaces are labels without dots', async () => {
    expectStatus(await api.post('/api/v1/namespaces', { metadata: { name: 'has.dot' } }), {
      code: 422,
      reason: 'Invalid',
      message: 'Namespace "has.dot" is invalid: metadata.name: Invalid value: "has.dot": must not contain dots',
      details: { name: 'has.dot', kind: 'Namespace', causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name', message: 'Invalid value: "has.dot": must not contain dots' }] },
    });
    // A cluster-scoped object silently loses a namespace in its body.
    const created = await api.post('/api/v1/namespaces', { metadata: { name: 'meta-cluster-scoped', namespace: 'default' } });
    expect(created.status).toBe(201);
    expect(created.body.metadata.namespace).toBeUndefined();
    expect(created.body.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'meta-cluster-scoped' });
  });

  it('validates label keys and values, once on create and repeatedly on updates', async () => {
    const keyError = { reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "bad key": ${nameRule}` };
    const valueMessage = "Invalid value: \"-bad-\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    const valueError = { reason: 'FieldValueInvalid', field: 'metadata.labels', message: valueMessage };
    expectStatus(await api.post(cms, { metadata: { name: 'labels', labels: { 'bad key': 'x' } } }), {
      code: 422, reason: 'Invalid', message: `ConfigMap "labels" is invalid: metadata.labels: ${keyError.message}`, details: { name: 'labels', kind: 'ConfigMap', causes: [keyError] },
    });
    await api.post(cms, { metadata: { name: 'labels' } });
    // Core kinds report each metadata error four times on update, other kinds three times.
    const coreUpdate = await api.patch(`${cms}/labels`, { metadata: { labels: { ok: '-bad-' } } });
    expectStatus(coreUpdate, { code: 422, reason: 'Invalid', message: `ConfigMap "labels" is invalid: metadata.labels: ${valueMessage}`, details: { name: 'labels', kind: 'ConfigMap', causes: times(4, valueError) } });
    await api.post(widgets, widget(group, 'labels'));
    expectStatus(await api.patch(`${widgets}/labels`, { metadata: { labels: { 'bad key': 'x' } } }), {
      code: 422, reason: 'Invalid', message: `Widget.${group} "labels" is invalid: metadata.labels: ${keyError.message}`, details: { name: 'labels', group, kind: 'Widget', causes: times(3, keyError) },
    });
    const qualified = "Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
    expectStatus(await api.post(cms, { metadata: { name: 'slashes', labels: { 'a/b/c': 'x' } } }), {
      code: 422, reason: 'Invalid', message: `ConfigMap "slashes" is invalid: metadata.labels: ${qualified}`, details: { name: 'slashes', kind: 'ConfigMap', causes: [{ reason: 'FieldValueInvalid', field: 'metadata.labels', message: qualified }] },
    });
  });

  it('limits annotations to 256 KiB in total', async () => {
    const big = 'x'.repeat(262144);
    const tooLong = { reason: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: may not be more than 262144 bytes' };
    expectStatus(await api.post(cms, { metadata: { name: 'big', annotations: { k: big } } }), {
      code: 422, reason: 'Invalid', message: `ConfigMap "big" is invalid: metadata.annotations: ${tooLong.message}`, details: { name: 'big', kind: 'ConfigMap', causes: [tooLong] },
    });
    expect((await api.post(cms, { metadata: { name: 'big', annotations: { k: big.slice(1) } } })).status).toBe(201);
  });

  it('requires qualified finalizer names on built-ins and only warns on custom resources', async () => {
    const unqualified = { reason: 'FieldValueInvalid', field: 'metadata.finalizers[0]', message: 'Invalid value: "x": name is neither a standard finalizer name nor is it fully qualified' };
    expectStatus(await api.post(cms, { metadata: { name: 'fin', finalizers: ['x'] } }), {
      code: 422, reason: 'Invalid', message: `ConfigMap "fin" is invalid: metadata.finalizers[0]: ${unqualified.message}`, details: { name: 'fin', kind: 'ConfigMap', causes: [unqualified] },
    });
    const warned = await api.post(widgets, widget(group, 'fin', { size: 1 }, { finalizers: ['x'] }));
    expect(warned.status).toBe(201);
    expect(warned.headers.warning).toBe('299 - "metadata.finalizers: \\"x\\": prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers"');
    await api.patch(`${widgets}/fin`, { metadata: { finalizers: null } });
    const both = { reason: 'FieldValueInvalid', field: 'metadata.finalizers', message: 'Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set' };
    expectStatus(await api.post(cms, { metadata: { name: 'both', finalizers: ['orphan', 'foregroundDeletion'] } }), {
      code: 422, reason: 'Invalid', message: `ConfigMap "both" is invalid: metadata.finalizers: ${both.message}`, details: { name: 'both', kind: 'ConfigMap', causes: [both] },
    });
  });

  it('validates owner references and collapses duplicates with a warning', async () => {
    const empty = await api.post(cms, { metadata: { name: 'refs', ownerReferences: [{ apiVersion: '', kind: '', name: '', uid: '' }] } });
    expectStatus(empty, {
      code: 422,
      reason: 'Invalid',
      message: 'ConfigMap "refs" is invalid: [metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty, metadata.ownerReferences.kind: Invalid value: "": kind must not be empty, metadata.ownerReferences.name: Invalid value: "": name must not be empty, metadata.ownerReferences.uid: Invalid value: "": uid must not be empty]',
      details: {
        name: 'refs',
        kind: 'ConfigMap',
        causes: [
          { reason: 'FieldValueInvalid', field: 'metadata.ownerReferences.apiVersion', message: 'Invalid value: "": version must not be empty' },
          { reason: 'FieldValueInvalid', field: 'metadata.ownerReferences.kind', message: 'Invalid value: "": kind must not be empty' },
          { reason: 'FieldValueInvalid', field: 'metadata.ownerReferences.name', message: 'Invalid value: "": name must not be empty' },
          { reason: 'FieldValueInvalid', field: 'metadata.ownerReferences.uid', message: 'Invalid value: "": uid must not be empty' },
        ],
      },
    });
    const ref = (name: string, uid: string, controller?: boolean) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid, ...(controller ? { controller } : {}) });
    const controllers = await api.post(cms, { metadata: { name: 'refs', ownerReferences: [ref('a', 'u1', true), ref('b', 'u2', true)] } });
    expect(controllers.status).toBe(422);
    // The value is Go's dump of the references, with pointer addresses.
    expect(controllers.body.message).toMatch(/^ConfigMap "refs" is invalid: metadata\.ownerReferences: Invalid value: \[\]v1\.OwnerReference\{v1\.OwnerReference\{APIVersion:"v1", Kind:"ConfigMap", Name:"a", UID:"u1", Controller:\(\*bool\)\(0x[0-9a-f]+\), BlockOwnerDeletion:\(\*bool\)\(nil\)\}, .*\}: Only one reference can have Controller set to true\. Found "true" in references for ConfigMap\/a and ConfigMap\/b$/);
    // Real owners, so that the garbage collector leaves the dependent alone.
    const a = (await api.post(cms, { metadata: { name: 'owner-a' } })).body.metadata.uid;
    const b = (await api.post(cms, { metadata: { name: 'owner-b' } })).body.metadata.uid;
    const duplicates = await api.post(cms, { metadata: { name: 'refs', ownerReferences: [ref('owner-a', a), ref('owner-a', a), ref('owner-b', b), ref('owner-b', b)] } });
    expect(duplicates.status).toBe(201);
    expect(duplicates.body.metadata.ownerReferences).toEqual([ref('owner-a', a), ref('owner-b', b)]);
    expect(duplicates.headers.warning).toBe(
      `299 - ".metadata.ownerReferences contains duplicate entries; API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests; duplicate UID(s) observed: ${a}, ${b}"`,
    );
    const patched = await api.patch(`${cms}/refs`, [{ op: 'add', path: '/metadata/ownerReferences/-', value: ref('owner-a', a) }], jsonPatch);
    expect(patched.body.metadata.ownerReferences).toEqual([ref('owner-a', a), ref('owner-b', b)]);
    expect(patched.headers.warning).toBe(
      `299 - ".metadata.ownerReferences contains duplicate entries after mutating admission happens; API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests; duplicate UID(s) observed: ${a}"`,
    );
  });

  it('writes nothing for a no-op update or patch: same resourceVersion, no watch event', async () => {
    const created = await api.post(cms, { metadata: { name: 'noop', labels: { a: 'b' } }, data: { k: 'v' } });
    const rv = created.body.metadata.resourceVersion;
    const watches = watchOpener(cluster);
    try {
      const stream = await watches.open(`${cms}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dnoop&timeoutSeconds=1`);
      const put = await api.put(`${cms}/noop`, created.body);
      expect(put.status).toBe(200);
      expect(put.body.metadata.resourceVersion).toBe(rv);
      const patch = await api.patch(`${cms}/noop`, { metadata: { labels: { a: 'b' } }, data: { k: 'v' } });
      expect(patch.body.metadata.resourceVersion).toBe(rv);
      const real = await api.patch(`${cms}/noop`, { data: { k: 'changed' } });
      expect(Number(real.body.metadata.resourceVersion)).toBeGreaterThan(Number(rv));
      await stream.finished;
      expect(stream.events.map((e) => `${e.type} ${e.object.metadata.resourceVersion}`)).toEqual([`MODIFIED ${real.body.metadata.resourceVersion}`]);
    } finally {
      await watches.close();
    }
  });
});
