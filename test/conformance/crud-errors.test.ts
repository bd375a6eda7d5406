import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { apiOf, createCrd, createNamespace, expectStatus, masked, widget, widgetCrd, type Api } from './support.ts';

const group = 'crud.conformance.example.com';
const ns = 'crud';
const cms = `/api/v1/namespaces/${ns}/configmaps`;
const widgets = `/apis/${group}/v1/namespaces/${ns}/widgets`;

describe('CRUD and error Status bodies', () => {
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

  it('creates (201), reads (200) and answers the object with its server-set metadata, its length given', async () => {
    const created = await api.post(cms, { metadata: { name: 'c1', labels: { a: 'b' } }, data: { k: 'v' } });
    expect(created.status).toBe(201);
    // A small body comes whole, with its length: not chunked.
    expect(created.headers['transfer-encoding']).toBeUndefined();
    expect(Number(created.headers['content-length'])).toBe(Buffer.byteLength(created.text));
    expect(masked(created.body)).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'c1', namespace: ns, uid: '<uid>', resourceVersion: '<resourceVersion>', creationTimestamp: '<creationTimestamp>', labels: { a: 'b' } },
      data: { k: 'v' },
    });
    expect(created.body.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.body.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const read = await api.get(`${cms}/c1`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('fills the defaults of a pod, with the projected ServiceAccount token volume', async () => {
    await cluster.waitFor(async () => (await api.get(`/api/v1/namespaces/${ns}/serviceaccounts/default`)).status === 200, { description: 'the default ServiceAccount', timeout: 30_000 });
    const created = await api.post(`/api/v1/namespaces/${ns}/pods`, { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }] }] } });
    expect(created.status).toBe(201);
    const volume = created.body.spec.volumes[0].name;
    expect(volume).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(masked(created.body)).toEqual({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'p', namespace: ns, uid: '<uid>', resourceVersion: '<resourceVersion>', creationTimestamp: '<creationTimestamp>' },
      spec: {
        volumes: [
          {
            name: volume,
            projected: {
              sources: [
                { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
                { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
              ],
              defaultMode: 420,
            },
          },
        ],
        containers: [
          {
            name: 'c',
            image: 'busybox',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            resources: {},
            volumeMounts: [{ name: volume, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            imagePullPolicy: 'Always',
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        serviceAccountName: 'default',
        serviceAccount: 'default',
        securityContext: {},
        schedulerName: 'default-scheduler',
        tolerations: [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
        priority: 0,
        enableServiceLinks: true,
        preemptionPolicy: 'PreemptLowerPriority',
      },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    });
  });

  it('answers 404 NotFound naming the resource, and the namespace for a create into a missing one', async () => {
    const missing = await api.get(`${cms}/nope`);
    expectStatus(missing, { code: 404, reason: 'NotFound', message: 'configmaps "nope" not found', details: { name: 'nope', kind: 'configmaps' } });
    expect(Number(missing.headers['content-length'])).toBe(Buffer.byteLength(missing.text));
    expectStatus(await api.get(`/apis/apps/v1/namespaces/${ns}/deployments/nope`), {
      code: 404, reason: 'NotFound', message: 'deployments.apps "nope" not found', details: { name: 'nope', group: 'apps', kind: 'deployments' },
    });
    expectStatus(await api.get(`${widgets}/nope`), { code: 404, reason: 'NotFound', message: `widgets.${group} "nope" not found`, details: { name: 'nope', group, kind: 'widgets' } });
    expectStatus(await api.post('/api/v1/namespaces/nope/configmaps', { metadata: { name: 'c' } }), {
      code: 404, reason: 'NotFound', message: 'namespaces "nope" not found', details: { name: 'nope', kind: 'namespaces' },
    });
  });

  it('answers 409 AlreadyExists for a taken name', async () => {
    await api.post(cms, { metadata: { name: 'taken' } });
    expectStatus(await api.post(cms, { metadata: { name: 'taken' } }), {
      code: 409, reason: 'AlreadyExists', message: 'configmaps "taken" already exists', details: { name: 'taken', kind: 'configmaps' },
    });
    await api.post(widgets, widget(group, 'taken'));
    expectStatus(await api.post(widgets, widget(group, 'taken')), {
      code: 409, reason: 'AlreadyExists', message: `widgets.${group} "taken" already exists`, details: { name: 'taken', group, kind: 'widgets' },
    });
  });

  it('answers 422 Invalid with causes, leaving out an empty name', async () => {
    expectStatus(await api.post(cms, { metadata: {} }), {
      code: 422,
      reason: 'Invalid',
      message: 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
      details: { kind: 'ConfigMap', causes: [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }] },
    });
    const regex = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    expectStatus(await api.post(cms, { metadata: { name: 'Bad_Name' } }), {
      code: 422,
      reason: 'Invalid',
      message: `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${regex}`,
      details: { name: 'Bad_Name', kind: 'ConfigMap', causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "Bad_Name": ${regex}` }] },
    });
  });

  it("counts the bytes of a ConfigMap's values, binary ones decoded, against its 1 MiB", async () => {
    const mebibyte = 1024 * 1024;
    // 'AAAA' is three bytes once decoded; the keys do not count.
    const fits = await api.post(cms, { metadata: { name: 'full' }, data: { text: 'x'.repeat(mebibyte - 3) }, binaryData: { bytes: 'AAAA' } });
    expect(fits.status, fits.text.slice(0, 300)).toBe(201);
    const over = await api.post(cms, { metadata: { name: 'over' }, data: { text: 'x'.repeat(mebibyte - 2) }, binaryData: { bytes: 'AAAA' } });
    expectStatus(over, {
      code: 422,
      reason: 'Invalid',
      message: 'ConfigMap "over" is invalid: []: Too long: may not be more than 1048576 bytes',
      details: { name: 'over', kind: 'ConfigMap', causes: [{ reason: 'FieldValueTooLong', field: '[]', message: 'Too long: may not be more than 1048576 bytes' }] },
    });
  });

  it("counts the decoded bytes of a Secret's data against its 1 MiB", async () => {
    const secrets = `/api/v1/namespaces/${ns}/secrets`;
    const fits = await api.post(secrets, { metadata: { name: 'full' }, data: { a: Buffer.alloc(1024 * 1024 - 3).toString('base64'), b: 'AAAA' } });
    expect(fits.status, fits.text.slice(0, 300)).toBe(201);
    expectStatus(await api.post(secrets, { metadata: { name: 'over' }, data: { a: Buffer.alloc(1024 * 1024 - 2).toString('base64'), b: 'AAAA' } }), {
      code: 422,
      reason: 'Invalid',
      message: 'Secret "over" is invalid: data: Too long: may not be more than 1048576 bytes',
      details: { name: 'over', kind: 'Secret', causes: [{ reason: 'FieldValueTooLong', field: 'data', message: 'Too long: may not be more than 1048576 bytes' }] },
    });
  });

  it('answers 500 without a reason for a create that carries a resourceVersion', async () => {
    expectStatus(await api.post(cms, { metadata: { name: 'with-rv', resourceVersion: '5' } }), { code: 500, message: 'resourceVersion should not be set on objects to be created' });
  });

  it('answers 400 for bodies it cannot decode, and 415 for unknown media types', async () => {
    expectStatus(await api.post(cms, '{bad json'), {
      code: 400, reason: 'BadRequest', message: /^the object provided is unrecognized \(must be of type ConfigMap\): couldn't get version\/kind; json parse error: .+ \(\{bad json\)$/,
    });
    expectStatus(await api.post(cms, ''), {
      code: 400, reason: 'BadRequest', message: /^the object provided is unrecognized \(must be of type ConfigMap\): couldn't get version\/kind; json parse error: .+ \(<empty>\)$/,
    });
    expectStatus(await api.post(cms, { metadata: { name: 'text' } }, { 'content-type': 'text/plain' }), {
      code: 415,
      reason: 'UnsupportedMediaType',
      message: 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    });
    expectStatus(await api.post(cms, '{"metadata":{"name":"pb"}}', { 'content-type': 'application/vnd.kubernetes.protobuf' }), {
      code: 400,
      reason: 'BadRequest',
      message: 'the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"metadata":{"name":"pb"}})',
    });
    const yaml = await api.post(cms, 'metadata:\n  name: from-yaml\ndata:\n  k: v\n', { 'content-type': 'application/yaml' });
    expect(yaml.status).toBe(201);
    expect(yaml.body.data).toEqual({ k: 'v' });
  });

  it('answers 400 for bodies of another type than the URL', async () => {
    expectStatus(await api.post(cms, { apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'x' } }), {
      code: 400, reason: 'BadRequest', message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: no kind "ConfigMap" is registered for version "apps/v1" in scheme "pkg/runtime/scheme.go:100"',
    });
    expectStatus(await api.post(cms, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }), {
      code: 400, reason: 'BadRequest', message: 'Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion',
    });
    const body = JSON.stringify({ apiVersion: `${group}/v1`, metadata: { name: 'w' }, spec: { size: 1 } });
    expectStatus(await api.post(widgets, body), {
      code: 400, reason: 'BadRequest', message: `the object provided is unrecognized (must be of type Widget): Object 'Kind' is missing in '${body}' (${body.slice(0, 30)} ...)`,
    });
    expectStatus(await api.post(widgets, { kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } }), {
      code: 400, reason: 'BadRequest', message: `the API version in the data () does not match the expected API version (${group}/v1)`,
    });
    expectStatus(await api.post(widgets, { ...widget(group, 'w'), apiVersion: `${group}/v2` }), {
      code: 400, reason: 'BadRequest', message: `the API version in the data (${group}/v2) does not match the expected API version (${group}/v1)`,
    });
    expectStatus(await api.post(widgets, { ...widget(group, 'w'), kind: 'Gizmo' }), {
      code: 422,
      reason: 'Invalid',
      message: `Gizmo.${group} "w" is invalid: kind: Invalid value: "Gizmo": must be Widget`,
      details: { name: 'w', group, kind: 'Gizmo', causes: [{ reason: 'FieldValueInvalid', field: 'kind', message: 'Invalid value: "Gizmo": must be Widget' }] },
    });
  });

  it('checks the name and namespace of a PUT against the URL', async () => {
    expectStatus(await api.put(`${cms}/c1`, { metadata: { name: 'other' } }), {
      code: 400, reason: 'BadRequest', message: 'the name of the object (other) does not match the name on the URL (c1)',
    });
    expectStatus(await api.put(`${cms}/c1`, { metadata: {} }), {
      code: 400, reason: 'BadRequest', message: 'the name of the object (c1 based on URL) was undeterminable: name must be provided',
    });
    expectStatus(await api.put(`${cms}/c1`, { metadata: { name: 'c1', namespace: 'default' } }), {
      code: 400, reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request',
    });
    expectStatus(await api.patch(`${cms}/c1`, { metadata: { name: 'renamed' } }), {
      code: 400, reason: 'BadRequest', message: 'the name of the object (renamed) does not match the name on the URL (c1)',
    });
  });

  it('answers 405 where a built-in has no route, and 404 page not found outside the served groups', async () => {
    const noRoute = { code: 405, reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource', details: {} };
    expectStatus(await api.post('/api/v1/pods', { metadata: { name: 'x' } }), noRoute);
    expectStatus(await api.put(cms, {}), noRoute);
    expectStatus(await api.patch(cms, {}), noRoute);
    expectStatus(await api.post(`${cms}/c1`, {}), noRoute);
    expectStatus(await api.get('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'), noRoute);
    expectStatus(await api.del('/api/v1/namespaces'), noRoute);

    expectStatus(await api.get('/api/v1/foos'), { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource', details: {} });
    expectStatus(await api.get('/apis/apps/v2/deployments'), { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource', details: {} });
    for (const path of ['/apis/nope.example.com/v1/things', '/apis/nope.example.com', `/apis/${group}/v1/nothings`, `/apis/${group}/v1/widgets`]) {
      const response = path.endsWith('/widgets') ? await api.post(path, widget(group, 'w')) : await api.get(path);
      expect(response.status, path).toBe(404);
      expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(response.text).toBe('404 page not found\n');
    }
    // A custom resource's handler reads any other verb on an item path as one without a name.
    expectStatus(await api.put(widgets, widget(group, 'w')), { code: 400, reason: 'BadRequest', message: 'name must be provided' });
  });

  it('validates dryRun and fieldValidation before anything else', async () => {
    const dryRun = (kind: string) => ({
      code: 422,
      reason: 'Invalid',
      message: `${kind}.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Bogus"}: supported values: "All"`,
      details: { group: 'meta.k8s.io', kind, causes: [{ reason: 'FieldValueNotSupported', field: 'dryRun', message: 'Unsupported value: []string{"Bogus"}: supported values: "All"' }] },
    });
    expectStatus(await api.post(`${cms}?dryRun=Bogus`, { metadata: { name: 'x' } }), dryRun('CreateOptions'));
    expectStatus(await api.patch(`${cms}/c1?dryRun=Bogus`, {}), dryRun('PatchOptions'));
    expectStatus(await api.del(`${cms}/nonexistent?dryRun=Bogus`), dryRun('DeleteOptions'));
    const supported = 'Unsupported value: "Bogus": supported values: "", "Ignore", "Strict", "Warn"';
    expectStatus(await api.put(`${cms}/c1?fieldValidation=Bogus`, { metadata: { name: 'c1' } }), {
      code: 422,
      reason: 'Invalid',
      message: `UpdateOptions.meta.k8s.io "" is invalid: fieldValidation: ${supported}`,
      details: { group: 'meta.k8s.io', kind: 'UpdateOptions', causes: [{ reason: 'FieldValueNotSupported', field: 'fieldValidation', message: supported }] },
    });
  });

  it('runs a dryRun=All create through everything but storage', async () => {
    const dry = await api.post(`${cms}?dryRun=All`, { metadata: { name: 'dry' }, data: { a: 'b' } });
    expect(dry.status).toBe(201);
    expect(dry.body.metadata.uid).toBeDefined();
    expect(dry.body.data).toEqual({ a: 'b' });
    expect((await api.get(`${cms}/dry`)).status).toBe(404);
  });

  it('applies fieldValidation: Strict refuses, Warn warns, Ignore drops unknown fields', async () => {
    expectStatus(await api.post(`${cms}?fieldValidation=Strict`, { metadata: { name: 'strict' }, spec: {} }), {
      code: 400, reason: 'BadRequest', message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"',
    });
    expectStatus(await api.post(`${widgets}?fieldValidation=Strict`, widget(group, 'strict', { size: 1, junk: 1 })), {
      code: 400, reason: 'BadRequest', message: 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.junk"',
    });
    const warned = await api.post(widgets, widget(group, 'warned', { size: 1, junk: 1 }));
    expect(warned.status).toBe(201);
    expect(warned.headers.warning).toBe('299 - "unknown field \\"spec.junk\\""');
    expect(warned.body.spec).toEqual({ size: 1, color: 'red' });
    const ignored = await api.post(`${widgets}?fieldValidation=Ignore`, widget(group, 'ignored', { size: 1, junk: 1 }));
    expect(ignored.status).toBe(201);
    expect(ignored.headers.warning).toBeUndefined();
    expect(ignored.body.spec).toEqual({ size: 1, color: 'red' });
  });

  it('lists with apiVersion and kind on custom resource items only, and items: [] when empty', async () => {
    const builtins = await api.get(cms);
    expect(builtins.body).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String) } });
    for (const item of builtins.body.items) {
      expect(item.apiVersion).toBeUndefined();
      expect(item.kind).toBeUndefined();
    }
    const custom = await api.get(widgets);
    expect(custom.body).toMatchObject({ kind: 'WidgetList', apiVersion: `${group}/v1`, metadata: { continue: '', resourceVersion: expect.any(String) } });
    for (const item of custom.body.items) expect(item).toMatchObject({ apiVersion: `${group}/v1`, kind: 'Widget' });
    const empty = await api.get('/api/v1/namespaces/crud/secrets?labelSelector=none%3Dhere');
    expect(empty.body.items).toEqual([]);
  });
});
