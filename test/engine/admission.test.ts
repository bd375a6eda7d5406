/**
 * Admission webhooks end to end: an operator with `on.validate`/`on.mutate` handlers serves them with
 * the built-in webhook server and keeps the managed webhook configurations in line. The served URLs
 * answer AdmissionReviews posted directly, and the API server (on either backend) calls them: a denied
 * creation fails with the handler's message, and a mutation is stored.
 */
import * as https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdmissionError } from '../../src/core/handler-errors.ts';
import { WebhookServer } from '../../src/engine/webhook-server.ts';
import type { KubeObject, TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { Settings } from '../../src/registry/settings.ts';
import { example, startExampleCluster } from '../support/engine-cluster.ts';
import { startOperator } from '../support/operator.ts';

const MANAGED = 'auto.kopf.dev';
const EXAMPLES = '/apis/kopf.dev/v1/namespaces/default/kopfexamples';
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startExampleCluster();
});
afterAll(async () => cluster?.stop());

interface Configuration extends KubeObject {
  webhooks?: { name: string; clientConfig: { url: string; caBundle: string }; rules: unknown[]; failurePolicy: string }[];
}

function webhookRegistry(): Registry {
  const registry = new Registry();
  registry.on.validate('kopfexamples', function checkField({ spec, warnings }) {
    warnings.push('checked by kopf-ts');
    if ((spec as { field?: string }).field === 'forbidden') throw new AdmissionError('the field must not be "forbidden"', { code: 422 });
  });
  registry.on.mutate('kopfexamples', function addLabel({ patch }) {
    patch.labels.mutated = 'by-webhook';
  });
  // Kept after the operator exits; never called (no object has the label), and ignored if it were.
  registry.on.validate('kopfexamples', { persistent: true, ignoreFailures: true, labels: { 'never-set': 'x' } }, function keptCheck() {});
  return registry;
}

function webhookSettings() {
  return Settings({ admission: { server: WebhookServer({ addr: '127.0.0.1' }), managed: MANAGED } });
}

async function configuration(kind: 'validatingwebhookconfigurations' | 'mutatingwebhookconfigurations'): Promise<Configuration | undefined> {
  return (await cluster.get(`${kind}.admissionregistration.k8s.io`, MANAGED)) as Configuration | undefined;
}

/** Posts an AdmissionReview to a webhook URL, trusting the configuration's CA bundle. */
function postReview(url: string, caBundle: string, review: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const request = https.request(new URL(url), { method: 'POST', headers: { 'content-type': 'application/json' }, ca: Buffer.from(caBundle, 'base64').toString('utf8') });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    });
    request.on('error', reject);
    request.end(JSON.stringify(review));
  });
}

function creationReview(object: KubeObject): unknown {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'review-1',
      kind: { group: 'kopf.dev', version: 'v1', kind: 'KopfExample' },
      resource: { group: 'kopf.dev', version: 'v1', resource: 'kopfexamples' },
      subResource: '',
      name: object.metadata?.name,
      namespace: 'default',
      operation: 'CREATE',
      userInfo: { username: 'tester', groups: ['system:authenticated'] },
      object,
      oldObject: null,
      dryRun: false,
    },
  };
}

describe('admission webhooks', () => {
  it('fails an operator whose webhook handlers have no server configured', async () => {
    await expect(startOperator(cluster, { registry: webhookRegistry() })).rejects.toThrow(
      /Admission handlers exist \(checkField, addLabel, keptCheck\), but no webhook server or tunnel is configured in settings\.admission\.server/,
    );
  });

  it('manages the webhook configurations and serves the handlers at their URLs', async () => {
    const operator = await startOperator(cluster, { registry: webhookRegistry(), settings: webhookSettings() });
    try {
      const validating = await cluster.waitFor(async () => ((await configuration('validatingwebhookconfigurations'))?.webhooks?.length === 2 ? configuration('validatingwebhookconfigurations') : undefined), { description: 'the validating configuration' });
      const mutating = await cluster.waitFor(async () => ((await configuration('mutatingwebhookconfigurations'))?.webhooks?.length === 1 ? configuration('mutatingwebhookconfigurations') : undefined), { description: 'the mutating configuration' });
      expect(validating.webhooks!.map((webhook) => webhook.name)).toEqual(['checkfield.auto.kopf.dev', 'keptcheck.auto.kopf.dev']);
      expect(mutating.webhooks!.map((webhook) => webhook.name)).toEqual(['addlabel.auto.kopf.dev']);
      const [check] = validating.webhooks!;
      expect(check!.clientConfig.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/checkField$/);
      expect(check!.rules).toEqual([{ apiGroups: ['kopf.dev'], apiVersions: ['v1'], resources: ['kopfexamples'], operations: ['*'], scope: '*' }]);
      expect(operator.matching(/^Reconfiguring the validating webhook auto\.kopf\.dev\.$/).length).toBeGreaterThan(0);

      const denied = await postReview(check!.clientConfig.url, check!.clientConfig.caBundle, creationReview(example('direct', { field: 'forbidden' })));
      expect(denied).toEqual({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        response: { uid: 'review-1', allowed: false, warnings: ['checked by kopf-ts'], status: { message: 'the field must not be "forbidden"', code: 422 } },
      });
      const [mutator] = mutating.webhooks!;
      const mutated = await postReview(mutator!.clientConfig.url, mutator!.clientConfig.caBundle, creationReview(example('direct')));
      expect(mutated.response).toMatchObject({ uid: 'review-1', allowed: true, patchType: 'JSONPatch' });
      expect(JSON.parse(Buffer.from(mutated.response.patch, 'base64').toString('utf8'))).toEqual([{ op: 'add', path: '/metadata/labels', value: { mutated: 'by-webhook' } }]);

      await checkCallsFromTheApiServer();
    } finally {
      await operator.stop();
    }
    expect(operator.matching(/^Cleaning up the admission webhook auto\.kopf\.dev\.$/)).toHaveLength(1);
    expect((await configuration('validatingwebhookconfigurations'))?.webhooks?.map((webhook) => webhook.name)).toEqual(['keptcheck.auto.kopf.dev']);
    expect((await configuration('mutatingwebhookconfigurations'))?.webhooks ?? []).toEqual([]);
    await cluster.delete('validatingwebhookconfigurations.admissionregistration.k8s.io', MANAGED);
    await cluster.delete('mutatingwebhookconfigurations.admissionregistration.k8s.io', MANAGED);
  });
});

/** The API server calls the webhooks: denials reach the client, mutations are stored. */
async function checkCallsFromTheApiServer(): Promise<void> {
  // The API server picks up new webhook configurations asynchronously: probe until the validator answers.
  const denial = await cluster.waitFor(
    async () => {
      const response = await cluster.request('POST', EXAMPLES, example('rejected', { field: 'forbidden' }));
      if (response.status < 300) {
        await cluster.delete('kopfexamples', 'rejected', { namespace: 'default' });
        return undefined;
      }
      return response;
    },
    { timeout: 20_000, description: 'a creation denied by the webhook' },
  );
  expect(denial.status).toBe(422);
  expect(denial.body.message).toBe('admission webhook "checkfield.auto.kopf.dev" denied the request: the field must not be "forbidden"');

  const created = await cluster.request('POST', EXAMPLES, example('accepted', { field: 'fine' }));
  expect(created.status).toBe(201);
  expect(created.headers.warning).toContain('checked by kopf-ts');
  expect((await cluster.get('kopfexamples', 'accepted', 'default'))?.metadata?.labels).toEqual({ mutated: 'by-webhook' });
  await cluster.delete('kopfexamples', 'accepted', { namespace: 'default' });
}
