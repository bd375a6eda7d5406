import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { hasKubectl, kubectlFor, type KubectlResult } from '../support/kubectl.ts';

/**
 * Server-side apply and managedFields (apiserver-spec §3.1, §5.4, §2.4),
 * checked against both backends: the expected entries and messages are what
 * kube-apiserver 1.32 answered, with each entry's `time` reduced to whether
 * it is there.
 */

const gadgetsCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.ssa.example.com' },
  spec: {
    group: 'ssa.example.com',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  replicas: { type: 'integer' },
                  color: { type: 'string' },
                  nested: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } } },
                  atomicObj: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { a: { type: 'string' }, b: { type: 'string' } } },
                  labels: { type: 'object', additionalProperties: { type: 'string' } },
                  objmap: { type: 'object', additionalProperties: { type: 'object', properties: { x: { type: 'string' } } } },
                  ports: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['name', 'proto'],
                    items: {
                      type: 'object',
                      required: ['name'],
                      properties: { name: { type: 'string' }, proto: { type: 'string', default: 'TCP' }, port: { type: 'integer' } },
                    },
                  },
                  tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
                  args: { type: 'array', items: { type: 'string' } },
                  free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

const ns = 'ssa';
const gadgets = `/apis/ssa.example.com/v1/namespaces/${ns}/gadgets`;
const configMaps = `/api/v1/namespaces/${ns}/configmaps`;
const deployments = `/apis/apps/v1/namespaces/${ns}/deployments`;
const applyType = { 'content-type': 'application/apply-patch+yaml' };
const mergeType = { 'content-type': 'application/merge-patch+json' };
const gadget = (name: string, rest: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'ssa.example.com/v1',
  kind: 'Gadget',
  metadata: { name, ...metadata },
  ...rest,
});

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  fieldsType: string;
  fieldsV1: unknown;
  subresource?: string;
}

/** managedFields with each `time` replaced by whether it was set. */
function entries(object: { metadata?: { managedFields?: Entry[] } }): Array<Omit<Entry, 'time'> & { timed: boolean }> {
  return (object.metadata?.managedFields ?? []).map(({ time, ...rest }) => ({ ...rest, timed: time !== undefined }));
}

function entry(manager: string, operation: 'Apply' | 'Update', apiVersion: string, fieldsV1: unknown, extra: { timed?: boolean; subresource?: string } = {}) {
  return { manager, operation, apiVersion, fieldsType: 'FieldsV1', fieldsV1, timed: extra.timed ?? true, ...(extra.subresource ? { subresource: extra.subresource } : {}) };
}

const creatorFields = {
  'f:metadata': { 'f:finalizers': { '.': {}, 'v:"x.io/f"': {} }, 'f:labels': { '.': {}, 'f:a': {} } },
  'f:spec': {
    '.': {},
    'f:args': {},
    'f:atomicObj': {},
    'f:free': { '.': {}, 'f:deep': { '.': {}, 'f:x': {} }, 'f:l': {} },
    'f:labels': { '.': {}, 'f:k': {} },
    'f:nested': { '.': {}, 'f:a': {} },
    'f:objmap': { '.': {}, 'f:m1': { '.': {}, 'f:x': {} } },
    'f:ports': { '.': {}, 'k:{"name":"p","proto":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {}, 'f:proto': {} } },
    'f:replicas': {},
    'f:tags': { '.': {}, 'v:"t1"': {}, 'v:"t2"': {} },
  },
};

describe('server-side apply and managedFields', () => {
  let cluster: TestCluster;
  const request = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => cluster.request(method, path, body, headers);
  const ok = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    const response = await request(method, path, body, headers);
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
    return response.body;
  };
  /** A Gadget with lists and maps of every kind, created by "creator". */
  const createGadget = (name: string) =>
    ok('POST', `${gadgets}?fieldManager=creator`, gadget(name, {
      spec: { replicas: 1, nested: { a: 'x' }, atomicObj: { a: '1' }, labels: { k: 'v' }, objmap: { m1: { x: '1' } }, ports: [{ name: 'p', port: 80 }], tags: ['t1', 't2'], args: ['a'], free: { deep: { x: 1 }, l: [1] } },
      status: { phase: 'x' },
    }, { labels: { a: '1' }, finalizers: ['x.io/f'] }));

  beforeAll(async () => {
    cluster = await startCluster();
    await ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await cluster.apply(gadgetsCrd);
  });
  afterAll(async () => {
    // Finalizers would hold the namespace's gadgets; the cluster goes away anyway.
    await cluster?.stop();
  });

  it('records creates as Update entries, named by fieldManager or the User-Agent, with "." on maps they created', async () => {
    const configMap = await ok('POST', `${configMaps}?fieldManager=mk`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'created' }, data: { a: '1' } });
    expect(entries(configMap)).toEqual([entry('mk', 'Update', 'v1', { 'f:data': { '.': {}, 'f:a': {} } })]);
    const byAgent = await ok('POST', configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'by-agent' }, data: { a: '1' } }, { 'user-agent': 'kopf/1.37.2' });
    expect(byAgent.metadata.managedFields[0].manager).toBe('kopf');

    const service = await ok('POST', `/api/v1/namespaces/${ns}/services?fieldManager=mk`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: { a: 'b' }, ports: [{ port: 80 }] } });
    expect(entries(service)).toEqual([
      entry('mk', 'Update', 'v1', {
        'f:spec': {
          'f:internalTrafficPolicy': {},
          'f:ports': { '.': {}, 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:protocol': {}, 'f:targetPort': {} } },
          'f:selector': {},
          'f:sessionAffinity': {},
          'f:type': {},
        },
      }),
    ]);

    const deployment = await ok('POST', `${deployments}?fieldManager=mk`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'created', labels: { app: 'd' } },
      spec: {
        selector: { matchLabels: { app: 'd' } },
        template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] }] } },
      },
    });
    expect(entries(deployment)).toEqual([
      entry('mk', 'Update', 'apps/v1', {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:progressDeadlineSeconds': {},
          'f:replicas': {},
          'f:revisionHistoryLimit': {},
          'f:selector': {},
          'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
          'f:template': {
            'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"c"}': {
                  '.': {},
                  'f:env': { '.': {}, 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
                  'f:image': {},
                  'f:imagePullPolicy': {},
                  'f:name': {},
                  'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
                  'f:resources': {},
                  'f:terminationMessagePath': {},
                  'f:terminationMessagePolicy': {},
                },
              },
              'f:dnsPolicy': {},
              'f:restartPolicy': {},
              'f:schedulerName': {},
              'f:securityContext': {},
              'f:terminationGracePeriodSeconds': {},
            },
          },
        },
      }),
    ]);
  });

  it('records custom resource fields by list type (map, set, atomic) and map type, and never the reset status', async () => {
    expect(entries(await createGadget('types'))).toEqual([entry('creator', 'Update', 'ssa.example.com/v1', creatorFields)]);
  });

  it('shares fields applied with their live value and answers changes to others\' fields with 409 conflicts', async () => {
    await createGadget('conflicts');
    const shared = await ok('PATCH', `${gadgets}/conflicts?fieldManager=applier`, gadget('conflicts', { spec: { replicas: 1, nested: { b: 'y' } } }), applyType);
    expect(entries(shared)[0]).toEqual(entry('applier', 'Apply', 'ssa.example.com/v1', { 'f:spec': { 'f:nested': { 'f:b': {} }, 'f:replicas': {} } }));

    const three = await request('PATCH', `${gadgets}/conflicts?fieldManager=applier`, gadget('conflicts', { spec: { replicas: 2, nested: { a: 'z' }, ports: [{ name: 'p', port: 81 }] } }), applyType);
    const who = 'conflict with "creator" using ssa.example.com/v1';
    expect(three.status).toBe(409);
    expect(three.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 3 conflicts: conflicts with "creator" using ssa.example.com/v1:\n- .spec.replicas\n- .spec.nested.a\n- .spec.ports[name="p",proto="TCP"].port',
      reason: 'Conflict',
      details: {
        causes: ['.spec.replicas', '.spec.nested.a', '.spec.ports[name="p",proto="TCP"].port'].map((field) => ({ reason: 'FieldManagerConflict', message: who, field })),
      },
      code: 409,
    });
    const one = await request('PATCH', `${gadgets}/conflicts?fieldManager=applier`, gadget('conflicts', { spec: { replicas: 2 } }), applyType);
    expect([one.status, one.body.message]).toEqual([409, `Apply failed with 1 conflict: ${who}: .spec.replicas`]);
  });

  it('removes fields an applier no longer applies unless someone else owns them, and takes fields over with force', async () => {
    await createGadget('force');
    await ok('PATCH', `${gadgets}/force?fieldManager=applier`, gadget('force', { spec: { replicas: 1, nested: { b: 'y' } } }), applyType);
    const dropped = await ok('PATCH', `${gadgets}/force?fieldManager=applier`, gadget('force', { spec: { color: 'red' } }), applyType);
    // nested.b was the applier's alone; replicas stays, the creator still owns it.
    expect([dropped.spec.nested, dropped.spec.replicas, dropped.spec.color]).toEqual([{ a: 'x' }, 1, 'red']);
    expect(entries(dropped)[0]).toEqual(entry('applier', 'Apply', 'ssa.example.com/v1', { 'f:spec': { 'f:color': {} } }));

    const forced = await ok('PATCH', `${gadgets}/force?fieldManager=applier&force=true`, gadget('force', { spec: { color: 'red', replicas: 5, ports: [{ name: 'p', port: 90 }] } }), applyType);
    expect([forced.spec.replicas, forced.spec.ports]).toEqual([5, [{ name: 'p', port: 90, proto: 'TCP' }]]);
    const creatorNow = structuredClone(creatorFields) as { 'f:spec': Record<string, unknown> };
    delete creatorNow['f:spec']['f:replicas'];
    creatorNow['f:spec']['f:ports'] = { '.': {}, 'k:{"name":"p","proto":"TCP"}': { '.': {}, 'f:name': {}, 'f:proto': {} } };
    expect(entries(forced)).toEqual([
      entry('applier', 'Apply', 'ssa.example.com/v1', { 'f:spec': { 'f:color': {}, 'f:ports': { 'k:{"name":"p","proto":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {} } }, 'f:replicas': {} } }),
      entry('creator', 'Update', 'ssa.example.com/v1', creatorNow),
    ]);
  });

  it('gives fields an update changes to the updater and takes fields it removes from their owners', async () => {
    await createGadget('updates');
    await ok('PATCH', `${gadgets}/updates?fieldManager=applier`, gadget('updates', { spec: { color: 'red' } }), applyType);
    const patched = await ok('PATCH', `${gadgets}/updates?fieldManager=updater`, { spec: { color: 'blue', tags: ['t1'], labels: null } }, mergeType);
    const creatorNow = structuredClone(creatorFields) as { 'f:spec': Record<string, unknown> };
    delete creatorNow['f:spec']['f:labels'];
    creatorNow['f:spec']['f:tags'] = { '.': {}, 'v:"t1"': {} };
    // The applier's only field went to the updater, so its entry is gone.
    expect(entries(patched)).toEqual([
      entry('creator', 'Update', 'ssa.example.com/v1', creatorNow),
      entry('updater', 'Update', 'ssa.example.com/v1', { 'f:spec': { 'f:color': {} } }),
    ]);
  });

  it('applies to /status as its own manager, with the subresource forms of conflict messages', async () => {
    await createGadget('status');
    const applied = await ok('PATCH', `${gadgets}/status/status?fieldManager=stat`, gadget('status', { status: { phase: 'Ready', nested: { q: 1 } } }), applyType);
    expect(applied.status).toEqual({ phase: 'Ready', nested: { q: 1 } });
    expect(entries(applied).find((e) => e.manager === 'stat')).toEqual(
      entry('stat', 'Apply', 'ssa.example.com/v1', { 'f:status': { 'f:nested': { '.': {}, 'f:q': {} }, 'f:phase': {} } }, { subresource: 'status' }),
    );
    const byApplier = await request('PATCH', `${gadgets}/status/status?fieldManager=stat2`, gadget('status', { status: { phase: 'NotReady' } }), applyType);
    expect([byApplier.status, byApplier.body.message]).toEqual([409, 'Apply failed with 1 conflict: conflict with "stat" with subresource "status": .status.phase']);

    await ok('PATCH', `${gadgets}/status/status?fieldManager=statup`, { status: { other: '1' } }, mergeType);
    const byUpdater = await request('PATCH', `${gadgets}/status/status?fieldManager=stat2`, gadget('status', { status: { other: '2' } }), applyType);
    expect(byUpdater.body.message).toBe('Apply failed with 1 conflict: conflict with "statup" with subresource "status" using ssa.example.com/v1: .status.other');

    // Through the main endpoint the status of the configuration is ignored, and owned by nobody.
    const main = await ok('PATCH', `${gadgets}/status?fieldManager=mainst`, gadget('status', { status: { phase: 'Other' }, spec: { color: 'q' } }), applyType);
    expect(main.status.phase).toBe('Ready');
    expect(entries(main).find((e) => e.manager === 'mainst')?.fieldsV1).toEqual({ 'f:spec': { 'f:color': {} } });
  });

  it('keeps repeated and empty applies no-ops, and records a new co-owner without a time', async () => {
    const created = await createGadget('noop');
    const shared = await ok('PATCH', `${gadgets}/noop?fieldManager=sharer`, gadget('noop', { spec: { replicas: 1 } }), applyType);
    expect(shared.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    expect(entries(shared)[0]).toEqual(entry('sharer', 'Apply', 'ssa.example.com/v1', { 'f:spec': { 'f:replicas': {} } }, { timed: false }));
    const again = await ok('PATCH', `${gadgets}/noop?fieldManager=sharer`, gadget('noop', { spec: { replicas: 1 } }), applyType);
    expect(again.metadata.resourceVersion).toBe(shared.metadata.resourceVersion);
    const empty = await ok('PATCH', `${gadgets}/noop?fieldManager=empty`, gadget('noop'), applyType);
    expect(empty.metadata.resourceVersion).toBe(shared.metadata.resourceVersion);
    expect(entries(empty).map((e) => e.manager)).toEqual(['sharer', 'creator']);
    const same = await ok('PUT', `${gadgets}/noop?fieldManager=putter`, empty);
    expect(same.metadata.resourceVersion).toBe(shared.metadata.resourceVersion);
  });

  it('merges containers by name between appliers, and reports a conflict on one container\'s field', async () => {
    const applied = await ok('PATCH', `${deployments}/apply?fieldManager=ap`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'apply' },
      spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], resources: {} }] } } },
    }, applyType);
    expect(entries(applied)).toEqual([
      entry('ap', 'Apply', 'apps/v1', {
        'f:spec': {
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"c"}': {
                  '.': {},
                  'f:image': {},
                  'f:name': {},
                  'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                  'f:resources': {},
                },
              },
            },
          },
        },
      }),
    ]);
    const sidecar = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'apply' }, spec: { template: { spec: { containers: [{ name: 's', image: 'busybox' }] } } } };
    const both = await ok('PATCH', `${deployments}/apply?fieldManager=side`, sidecar, applyType);
    expect(both.spec.template.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`)).toEqual(['c=nginx', 's=busybox']);
    sidecar.spec.template.spec.containers.push({ name: 'c', image: 'nginx:2' });
    const clash = await request('PATCH', `${deployments}/apply?fieldManager=side`, sidecar, applyType);
    expect([clash.status, clash.body.message]).toEqual([409, 'Apply failed with 1 conflict: conflict with "ap": .spec.template.spec.containers[name="c"].image']);
  });

  it('lets a client replace managedFields or clear them, and ignores an invalid list', async () => {
    await ok('PATCH', `${configMaps}/owned?fieldManager=ap`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned' }, data: { a: '1' } }, applyType);
    const replaced = await ok('PATCH', `${configMaps}/owned?fieldManager=x`, { metadata: { managedFields: [{ manager: 'm1', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }] } }, mergeType);
    expect(entries(replaced)).toEqual([entry('m1', 'Update', 'v1', { 'f:data': { 'f:a': {} } }, { timed: false })]);
    const invalid = await ok('PATCH', `${configMaps}/owned?fieldManager=x`, { metadata: { managedFields: [{ manager: 'm1', operation: 'Bogus', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }] } }, mergeType);
    expect(invalid.metadata.resourceVersion).toBe(replaced.metadata.resourceVersion);
    const cleared = await ok('PATCH', `${configMaps}/owned`, { metadata: { managedFields: [{}] } }, mergeType);
    expect(cleared.metadata.managedFields).toBeUndefined();
  });

  it('validates apply requests', async () => {
    const noManager = await request('PATCH', `${configMaps}/invalid`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'invalid' } }, applyType);
    expect([noManager.status, noManager.body.message]).toEqual([422, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch']);
    const withManaged = await request('PATCH', `${configMaps}/invalid?fieldManager=a`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'invalid', managedFields: [] } }, applyType);
    expect([withManaged.status, withManaged.body.message]).toEqual([400, 'metadata.managedFields must be nil']);
    const forceElsewhere = await request('PATCH', `${configMaps}/created?fieldManager=x&force=true`, { data: { b: '2' } }, mergeType);
    expect([forceElsewhere.status, forceElsewhere.body.message]).toEqual([422, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch']);
  });

  describe.skipIf(!hasKubectl)('with kubectl', () => {
    let kubectl: (args: string[], input?: string) => Promise<KubectlResult>;
    const settings = (data: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: ns }, data });
    const serverSide = (data: Record<string, string>, ...flags: string[]) => kubectl(['apply', '--server-side', ...flags, '-f', '-'], settings(data));

    beforeAll(() => {
      kubectl = kubectlFor(cluster.kubeconfigPath);
    });

    it('applies server-side twice with a change, then needs --force-conflicts to take a field back', async () => {
      expect((await serverSide({ a: '1' })).code).toBe(0);
      const second = await serverSide({ a: '2', b: '3' });
      expect(second.stdout).toContain('configmap/settings serverside-applied');
      let live = await ok('GET', `${configMaps}/settings`);
      expect(live.data).toEqual({ a: '2', b: '3' });
      expect(entries(live)).toEqual([entry('kubectl', 'Apply', 'v1', { 'f:data': { 'f:a': {}, 'f:b': {} } })]);

      await ok('PATCH', `${configMaps}/settings?fieldManager=intruder`, { data: { a: '9' } }, mergeType);
      const refused = await serverSide({ a: '2', b: '3' });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "intruder" using v1: .data.a');

      const forced = await serverSide({ a: '2' }, '--force-conflicts');
      expect(forced.code).toBe(0);
      live = await ok('GET', `${configMaps}/settings`);
      // b is no longer applied and nobody else owns it: it is gone.
      expect(live.data).toEqual({ a: '2' });
      expect(entries(live)).toEqual([entry('kubectl', 'Apply', 'v1', { 'f:data': { 'f:a': {} } })]);
    });

    it('switches from client-side to server-side apply without conflicts, as kubectl migrates', async () => {
      const manifest = (data: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'migrated', namespace: ns }, data });
      expect((await kubectl(['apply', '-f', '-'], manifest({ a: '1', b: '2' }))).code).toBe(0);
      const switched = await kubectl(['apply', '--server-side', '-f', '-'], manifest({ a: '5' }));
      expect([switched.code, switched.stderr]).toEqual([0, '']);
      const live = await ok('GET', `${configMaps}/migrated`);
      expect(live.data).toEqual({ a: '5' });
      expect(live.metadata.annotations).toEqual({
        'kubectl.kubernetes.io/last-applied-configuration': `{"apiVersion":"v1","data":{"a":"5"},"kind":"ConfigMap","metadata":{"name":"migrated","namespace":"${ns}"}}\n`,
      });
      expect(entries(live)).toEqual([
        entry('kubectl-last-applied', 'Apply', 'v1', { 'f:metadata': { 'f:annotations': { 'f:kubectl.kubernetes.io/last-applied-configuration': {} } } }, { timed: false }),
        entry('kubectl', 'Apply', 'v1', { 'f:data': { 'f:a': {} } }),
      ]);
    });
  });
});
