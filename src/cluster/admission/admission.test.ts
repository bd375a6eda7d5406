import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jsonPatch, startFakeWebhook, type FakeWebhook } from '../../../test/support/fake-webhook.ts';
import { EmbeddedCluster } from '../cluster.ts';
import { ApiError } from '../errors.ts';
import type { KubeObject, ResourceType } from '../resource-type.ts';
import { Admission } from './admission.ts';
import { AdmittedWrites } from './admitted-writes.ts';
import { Deleter } from '../deletion.ts';
import { Patcher } from '../patching.ts';

let cluster: EmbeddedCluster;
let webhook: FakeWebhook;
let writes: AdmittedWrites;
let admission: Admission;

const type = (group: string, version: string, plural: string): ResourceType => cluster.state.registry.find(group, version, plural)!;
const configMaps = () => type('', 'v1', 'configmaps');
const configMap = (name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
const createOptions = { fieldManager: 'test' };

/** Replaces the webhook configurations: `hooks` are [kind, configuration name, webhook fields]. */
function configure(hooks: Array<['mutating' | 'validating', string, Record<string, unknown>]>): void {
  for (const plural of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']) {
    const t = type('admissionregistration.k8s.io', 'v1', plural);
    for (const o of cluster.objects.list(t, undefined).items) cluster.state.store.remove('admissionregistration.k8s.io/' + plural, o.metadata.name!);
  }
  const byConfiguration = new Map<string, { kind: string; webhooks: unknown[] }>();
  for (const [kind, configuration, fields] of hooks) {
    const entry = byConfiguration.get(configuration) ?? { kind, webhooks: [] };
    entry.webhooks.push({
      clientConfig: { url: `${webhook.url}/${fields.name}`, caBundle: webhook.caBundle },
      rules: [{ operations: ['*'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      ...fields,
    });
    byConfiguration.set(configuration, entry);
  }
  for (const [name, { kind, webhooks }] of byConfiguration) {
    const plural = `${kind}webhookconfigurations`;
    const apiKind = kind === 'mutating' ? 'MutatingWebhookConfiguration' : 'ValidatingWebhookConfiguration';
    cluster.objects.create(type('admissionregistration.k8s.io', 'v1', plural), undefined, { apiVersion: 'admissionregistration.k8s.io/v1', kind: apiKind, metadata: { name }, webhooks });
  }
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('the write was not rejected');
}

beforeAll(async () => {
  cluster = await EmbeddedCluster.start({ http: true });
  webhook = await startFakeWebhook();
  admission = new Admission(cluster.state.store, cluster.objects);
  writes = new AdmittedWrites(cluster.objects, new Patcher(cluster.objects), new Deleter(cluster.state, cluster.objects), admission);
});
afterAll(async () => {
  admission?.configurations.stop();
  await webhook?.stop();
  await cluster?.stop();
});
beforeEach(() => {
  webhook.calls.length = 0;
  webhook.answer(() => ({ allowed: true }));
});

describe('admission', () => {
  it('is inactive without configurations and active with one', () => {
    configure([]);
    expect(writes.active).toBe(false);
    configure([['validating', 'v', { name: 'check.example.com' }]]);
    expect(writes.active).toBe(true);
  });

  it('sends the AdmissionReview request of a create, with the options and the user', async () => {
    configure([['validating', 'v', { name: 'check.example.com' }]]);
    await writes.create(configMaps(), 'default', configMap('review', { a: '1' }), { fieldManager: 'kubectl-create', fieldValidation: 'Strict' });
    expect(webhook.calls).toHaveLength(1);
    const { path, request } = webhook.calls[0];
    expect(path).toBe('/check.example.com?timeout=10s');
    expect(request).toMatchObject({
      kind: { group: '', version: 'v1', kind: 'ConfigMap' },
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      subResource: '',
      requestKind: { group: '', version: 'v1', kind: 'ConfigMap' },
      requestResource: { group: '', version: 'v1', resource: 'configmaps' },
      name: 'review',
      namespace: 'default',
      operation: 'CREATE',
      userInfo: { username: 'kopf-ts-admin', groups: ['system:masters', 'system:authenticated'] },
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'review', namespace: 'default' }, data: { a: '1' } },
      oldObject: null,
      dryRun: false,
      options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1', fieldManager: 'kubectl-create', fieldValidation: 'Strict' },
    });
    expect(request.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('applies mutating patches in order (configurations by name, then list order) before validating webhooks see the object', async () => {
    configure([
      ['mutating', 'b-second', { name: 'third.example.com' }],
      ['mutating', 'a-first', { name: 'first.example.com' }],
      ['mutating', 'a-first', { name: 'second.example.com' }],
      ['validating', 'v', { name: 'check.example.com' }],
    ]);
    webhook.answer((path, request) => {
      if (path === '/check.example.com') return { allowed: true, warnings: ['validated'] };
      const step = path.slice(1).split('.')[0];
      return { allowed: true, patchType: 'JSONPatch', patch: jsonPatch([{ op: 'add', path: `/data/${step}`, value: String(Object.keys(request.object.data).length) }]), warnings: [`${step} ran`] };
    });
    const result = await writes.create(configMaps(), 'default', configMap('mutated'), createOptions);
    expect(webhook.calls.map((c) => c.path.split('?')[0])).toEqual(['/first.example.com', '/second.example.com', '/third.example.com', '/check.example.com']);
    expect(result.object.data).toEqual({ first: '0', second: '1', third: '2' });
    expect(webhook.calls[3].request.object.data).toEqual({ first: '0', second: '1', third: '2' });
    expect(result.warnings).toEqual(['first ran', 'second ran', 'third ran', 'validated']);
    expect(cluster.objects.get(configMaps(), 'default', 'mutated').data).toEqual({ first: '0', second: '1', third: '2' });
  });

  it('turns a denial into its Status: the code (at least 400), the reason and the prefixed message', async () => {
    configure([['validating', 'v', { name: 'check.example.com' }]]);
    webhook.answer(() => ({ allowed: false, status: { code: 403, reason: 'Forbidden', message: 'not today' } }));
    const denied = await rejection(writes.create(configMaps(), 'default', configMap('denied'), createOptions));
    expect(denied.toStatus()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 403, reason: 'Forbidden',
      message: 'admission webhook "check.example.com" denied the request: not today',
    });
    webhook.answer(() => ({ allowed: false, status: { code: 200 }, warnings: ['first', 'second'] }));
    const bare = await rejection(writes.create(configMaps(), 'default', configMap('denied'), createOptions));
    expect(bare.toStatus()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 400, message: 'admission webhook "check.example.com" denied the request without explanation' });
    // The warnings given so far go out with the failure.
    expect(bare.headers).toEqual({ Warning: '299 - "first", 299 - "second"' });
    expect(cluster.objects.tryGet(configMaps(), 'default', 'denied')).toBeUndefined();
  });

  it('fails a write whose webhook cannot be called under Fail, and skips the webhook under Ignore', async () => {
    configure([['validating', 'v', { name: 'dead.example.com', clientConfig: { url: 'https://127.0.0.1:1/dead' } }]]);
    const failed = await rejection(writes.create(configMaps(), 'default', configMap('dead'), createOptions));
    const message = 'failed calling webhook "dead.example.com": failed to call webhook: Post "https://127.0.0.1:1/dead?timeout=10s": dial tcp 127.0.0.1:1: connect: connection refused';
    expect(failed.toStatus()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError',
      message: `Internal error occurred: ${message}`, details: { causes: [{ message }] },
    });
    configure([['validating', 'v', { name: 'dead.example.com', clientConfig: { url: 'https://127.0.0.1:1/dead' }, failurePolicy: 'Ignore' }]]);
    expect((await writes.create(configMaps(), 'default', configMap('dead'), createOptions)).code).toBe(201);
  });

  it('validates after mutation and before validating webhooks', async () => {
    configure([
      ['mutating', 'm', { name: 'breaker.example.com' }],
      ['validating', 'v', { name: 'check.example.com' }],
    ]);
    webhook.answer((path) => (path === '/breaker.example.com' ? { allowed: true, patchType: 'JSONPatch', patch: jsonPatch([{ op: 'add', path: '/metadata/labels', value: { 'bad label': 'x' } }]) } : { allowed: true }));
    const invalid = await rejection(writes.create(configMaps(), 'default', configMap('broken'), createOptions));
    expect(invalid.code).toBe(422);
    expect(webhook.calls.map((c) => c.path.split('?')[0])).toEqual(['/breaker.example.com']);
  });

  it('sends updates, patches and deletes with their old object and options', async () => {
    configure([['validating', 'v', { name: 'check.example.com' }]]);
    await writes.create(configMaps(), 'default', configMap('changing', { v: '1' }), createOptions);
    await writes.patch(configMaps(), 'default', 'changing', 'application/merge-patch+json', '{"data":{"v":"2"}}', { fieldManager: 'patcher', dryRun: true });
    const patch = webhook.calls.at(-1)!.request;
    expect(patch).toMatchObject({ operation: 'UPDATE', dryRun: true, object: { data: { v: '2' } }, oldObject: { data: { v: '1' } }, options: { kind: 'UpdateOptions', dryRun: ['All'], fieldManager: 'patcher' } });
    const { result, warnings } = await writes.delete(configMaps(), 'default', 'changing', { propagationPolicy: 'Background' });
    expect(result.removed).toBe(true);
    expect(warnings).toEqual([]);
    expect(webhook.calls.at(-1)!.request).toMatchObject({ operation: 'DELETE', object: null, oldObject: { data: { v: '1' } }, options: { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', propagationPolicy: 'Background' } });
  });

  it('prepares an update again when the object changed while a webhook ran, and fails one that named its resourceVersion', async () => {
    configure([]);
    cluster.objects.create(configMaps(), 'default', configMap('raced', { v: '1' }), createOptions);
    configure([['validating', 'v', { name: 'check.example.com' }]]);
    let racing = true;
    let races = 0;
    webhook.answer(() => {
      // The first call sees the object change under it.
      if (racing) {
        racing = false;
        const current = cluster.objects.get(configMaps(), 'default', 'raced');
        cluster.objects.update(configMaps(), 'default', 'raced', { ...current, data: { ...(current.data as object), other: `x${races++}` } }, { internal: true });
      }
      return { allowed: true };
    });
    const merged = await writes.patch(configMaps(), 'default', 'raced', 'application/merge-patch+json', '{"data":{"v":"2"}}', createOptions);
    expect(merged.object.data).toEqual({ v: '2', other: 'x0' });
    expect(webhook.calls).toHaveLength(2);

    racing = true;
    const current = cluster.objects.get(configMaps(), 'default', 'raced');
    const conflict = await rejection(writes.update(configMaps(), 'default', 'raced', { ...current, data: { v: '3' } }, createOptions));
    expect(conflict.code).toBe(409);
  });
});
