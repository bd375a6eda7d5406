/**
 * Admission webhooks called by the API server (apiserver-spec §11), on both backends: denials reach the
 * client as the webhook's Status, mutations are stored, call failures follow the failure policy, warnings
 * become Warning headers, and custom resources are defaulted again after a patch.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../src/testing.ts';
import { jsonPatch, startFakeWebhook, type FakeWebhook } from '../support/fake-webhook.ts';

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';
const WIDGETS = '/apis/admission.example.com/v1/namespaces/default/widgets';
let cluster: TestCluster;
let webhook: FakeWebhook;

const configMap = (name: string, test: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { 'adm-test': test } }, data: { a: '1' } });

/** A webhook configuration whose one webhook sees only objects labelled `adm-test=<test>`. */
function configuration(kind: 'Validating' | 'Mutating', name: string, test: string, fields: Record<string, unknown> = {}) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: `${kind}WebhookConfiguration`,
    metadata: { name },
    webhooks: [{
      name: `${name}.example.com`,
      clientConfig: { url: `${webhook.url}/${name}`, caBundle: webhook.caBundle },
      rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['', 'admission.example.com'], apiVersions: ['v1'], resources: ['configmaps', 'widgets'] }],
      objectSelector: { matchLabels: { 'adm-test': test } },
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      ...fields,
    }],
  };
}

async function removeConfiguration(kind: 'validating' | 'mutating', name: string): Promise<void> {
  await cluster.delete(`${kind}webhookconfigurations.admissionregistration.k8s.io`, name);
}

/**
 * Creates until `done` holds for the response: a real API server picks up new configurations a moment
 * later. Objects created before that are deleted again.
 */
async function createUntil(path: string, body: { metadata: { name: string } }, done: (response: Awaited<ReturnType<TestCluster['request']>>) => boolean) {
  return cluster.waitFor(
    async () => {
      const response = await cluster.request('POST', path, body);
      if (done(response)) return response;
      if (response.status < 300) await cluster.request('DELETE', `${path}/${body.metadata.name}`);
      return undefined;
    },
    { timeout: 20_000, description: `the webhook to act on ${body.metadata.name}` },
  );
}

async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  cluster = await startCluster();
  webhook = await startFakeWebhook();
});
afterAll(async () => {
  await webhook?.stop();
  await cluster?.stop();
});
beforeEach(() => {
  webhook.answer(() => ({ allowed: true }));
});

describe('admission webhooks called by the API server', () => {
  it('denies a ConfigMap creation with the webhook\'s code and message', async () => {
    webhook.answer((path) => (path === '/deny' ? { allowed: false, status: { code: 403, message: 'configmaps are closed today' }, warnings: ['come back tomorrow'] } : { allowed: true }));
    await cluster.apply(configuration('Validating', 'deny', 'deny'));
    try {
      const denied = await createUntil(CONFIGMAPS, configMap('denied', 'deny'), (r) => r.status >= 400);
      expect(denied.status).toBe(403);
      expect(denied.headers.warning).toBe('299 - "come back tomorrow"');
      expect(denied.body).toEqual({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 403,
        message: 'admission webhook "deny.example.com" denied the request: configmaps are closed today',
      });
      const { path, request } = webhook.calls.filter((c) => c.path.startsWith('/deny?')).at(-1)!;
      expect(path).toBe('/deny?timeout=10s');
      expect(request).toMatchObject({
        kind: { group: '', version: 'v1', kind: 'ConfigMap' },
        resource: { group: '', version: 'v1', resource: 'configmaps' },
        requestKind: { group: '', version: 'v1', kind: 'ConfigMap' },
        requestResource: { group: '', version: 'v1', resource: 'configmaps' },
        name: 'denied', namespace: 'default', operation: 'CREATE', dryRun: false, oldObject: null,
        object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'denied', namespace: 'default', labels: { 'adm-test': 'deny' } }, data: { a: '1' } },
        options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
      });
      expect(typeof request.userInfo.username).toBe('string');
      expect((await cluster.request('GET', `${CONFIGMAPS}/denied`)).status).toBe(404);
    } finally {
      await removeConfiguration('validating', 'deny');
    }
  });

  it('stores what a mutating webhook adds and sends its warnings as Warning headers', async () => {
    webhook.answer((path) =>
      path === '/label'
        ? { allowed: true, patchType: 'JSONPatch', patch: jsonPatch([{ op: 'add', path: '/metadata/labels/added', value: 'by-webhook' }]), warnings: ['labelled by the webhook'] }
        : { allowed: true },
    );
    await cluster.apply(configuration('Mutating', 'label', 'label'));
    try {
      const created = await createUntil(CONFIGMAPS, configMap('labelled', 'label'), (r) => r.status === 201 && r.body.metadata.labels?.added === 'by-webhook');
      expect(created.headers.warning).toBe('299 - "labelled by the webhook"');
      expect((await cluster.get('configmaps', 'labelled', 'default'))?.metadata?.labels).toEqual({ 'adm-test': 'label', added: 'by-webhook' });
      const updated = await cluster.request('PATCH', `${CONFIGMAPS}/labelled`, { data: { a: '2' } }, { 'content-type': 'application/merge-patch+json' });
      expect(updated.status).toBe(200);
      expect(updated.headers.warning).toBe('299 - "labelled by the webhook"');
      const patchReview = webhook.calls.filter((c) => c.path.startsWith('/label?')).at(-1)!.request;
      expect(patchReview).toMatchObject({ operation: 'UPDATE', object: { data: { a: '2' } }, oldObject: { data: { a: '1' } }, options: { kind: 'UpdateOptions' } });
    } finally {
      await removeConfiguration('mutating', 'label');
      await cluster.delete('configmaps', 'labelled', { namespace: 'default' });
    }
  });

  it('fails a write whose webhook cannot be reached under failurePolicy Fail and skips it under Ignore', async () => {
    const port = await deadPort();
    const dead = `https://127.0.0.1:${port}/dead`;
    await cluster.apply(configuration('Validating', 'dead', 'dead', { clientConfig: { url: dead, caBundle: webhook.caBundle }, failurePolicy: 'Fail' }));
    try {
      const failed = await createUntil(CONFIGMAPS, configMap('unreached', 'dead'), (r) => r.status === 500);
      const message = `failed calling webhook "dead.example.com": failed to call webhook: Post "${dead}?timeout=10s": dial tcp 127.0.0.1:${port}: connect: connection refused`;
      expect(failed.body).toEqual({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError',
        message: `Internal error occurred: ${message}`, details: { causes: [{ message }] },
      });
      await cluster.apply(configuration('Validating', 'dead', 'dead', { clientConfig: { url: dead, caBundle: webhook.caBundle }, failurePolicy: 'Ignore' }));
      const created = await createUntil(CONFIGMAPS, configMap('unreached', 'dead'), (r) => r.status === 201);
      expect(created.body.metadata.name).toBe('unreached');
    } finally {
      await removeConfiguration('validating', 'dead');
      await cluster.delete('configmaps', 'unreached', { namespace: 'default' });
    }
  });

  it('sends a deletion with its old object to mutating and validating webhooks, and a denial keeps the object', async () => {
    const deleting = { rules: [{ operations: ['DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] };
    await cluster.request('POST', CONFIGMAPS, configMap('kept', 'delete'));
    webhook.answer((path) => (path === '/guard' ? { allowed: false, status: { message: 'kept on purpose' } } : { allowed: true }));
    await cluster.apply([configuration('Mutating', 'see', 'delete', deleting), configuration('Validating', 'guard', 'delete', deleting)]);
    try {
      const denied = await cluster.waitFor(
        async () => {
          const response = await cluster.request('DELETE', `${CONFIGMAPS}/kept`);
          return response.status === 400 ? response : undefined;
        },
        { timeout: 20_000, description: 'a deletion denied by the webhook' },
      );
      expect(denied.body.message).toBe('admission webhook "guard.example.com" denied the request: kept on purpose');
      expect((await cluster.request('GET', `${CONFIGMAPS}/kept`)).status).toBe(200);
      for (const name of ['see', 'guard']) {
        const { request } = webhook.calls.filter((c) => c.path.startsWith(`/${name}?`)).at(-1)!;
        expect(request).toMatchObject({
          operation: 'DELETE', name: 'kept', namespace: 'default', object: null,
          oldObject: { metadata: { name: 'kept', labels: { 'adm-test': 'delete' } }, data: { a: '1' } },
          options: { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1' },
        });
      }
    } finally {
      await removeConfiguration('mutating', 'see');
      await removeConfiguration('validating', 'guard');
      await cluster.delete('configmaps', 'kept', { namespace: 'default' });
    }
  });

  it('defaults a custom resource again after a mutating patch, without pruning what validating webhooks see', async () => {
    await cluster.apply({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.admission.example.com' },
      spec: {
        group: 'admission.example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{
          name: 'v1', served: true, storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 1 }, color: { type: 'string' } } } } } },
        }],
      },
    });
    webhook.answer((path) =>
      path === '/reshape'
        ? { allowed: true, patchType: 'JSONPatch', patch: jsonPatch([{ op: 'remove', path: '/spec/size' }, { op: 'add', path: '/spec/injected', value: 'by-webhook' }]) }
        : { allowed: true },
    );
    await cluster.apply([configuration('Mutating', 'reshape', 'reshape'), configuration('Validating', 'observe', 'reshape')]);
    try {
      const widget = { apiVersion: 'admission.example.com/v1', kind: 'Widget', metadata: { name: 'w1', labels: { 'adm-test': 'reshape' } }, spec: { size: 5, color: 'red' } };
      const created = await createUntil(WIDGETS, widget, (r) => r.status === 201 && r.body.spec.size === 1 && webhook.calls.some((c) => c.path.startsWith('/observe?') && c.request.name === 'w1'));
      expect(created.body.spec).toEqual({ size: 1, color: 'red' });
      const seen = webhook.calls.filter((c) => c.path.startsWith('/observe?')).at(-1)!.request;
      expect(seen.object.spec).toEqual({ size: 1, color: 'red', injected: 'by-webhook' });
      expect((await cluster.get('widgets.admission.example.com', 'w1', 'default'))?.spec).toEqual({ size: 1, color: 'red' });
    } finally {
      await removeConfiguration('mutating', 'reshape');
      await removeConfiguration('validating', 'observe');
      await cluster.delete('customresourcedefinitions.apiextensions.k8s.io', 'widgets.admission.example.com');
    }
  });
});
