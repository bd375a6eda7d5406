import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWebhook, type FakeWebhook } from '../../../test/support/fake-webhook.ts';
import { callWebhook, checkedResponse, webhookUrl, WebhookCallError } from './webhook-call.ts';

const review = (uid: string) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid, operation: 'CREATE' } });

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('webhook calls', () => {
  let webhook: FakeWebhook;
  beforeAll(async () => {
    webhook = await startFakeWebhook();
  });
  afterAll(async () => webhook?.stop());

  it('posts the review with the timeout in the query and answers the checked response', async () => {
    webhook.answer(() => ({ allowed: true, warnings: ['careful'] }));
    const response = await callWebhook({ name: 'w', clientConfig: { url: `${webhook.url}/check`, caBundle: webhook.caBundle }, timeoutSeconds: 7 }, review('u-1'));
    expect(response).toEqual({ uid: 'u-1', allowed: true, warnings: ['careful'] });
    expect(webhook.calls.at(-1)).toEqual({ path: '/check?timeout=7s', request: { uid: 'u-1', operation: 'CREATE' } });
  });

  it('names the service URL of a service reference and fails it: there is no service network', async () => {
    const spec = { name: 'w', clientConfig: { service: { namespace: 'ops', name: 'hooks', path: '/validate', port: 8443 } } };
    expect(webhookUrl(spec)).toBe('https://hooks.ops.svc:8443/validate?timeout=10s');
    await expect(callWebhook(spec, review('u'))).rejects.toThrow(
      new WebhookCallError('failed to call webhook: Post "https://hooks.ops.svc:8443/validate?timeout=10s": no endpoints available for service "hooks"'),
    );
  });

  it('fails a refused connection, an untrusted certificate and a deadline in the words of upstream', async () => {
    const port = await deadPort();
    await expect(callWebhook({ name: 'w', clientConfig: { url: `https://127.0.0.1:${port}/x` } }, review('u'))).rejects.toThrow(
      `failed to call webhook: Post "https://127.0.0.1:${port}/x?timeout=10s": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    );
    await expect(callWebhook({ name: 'w', clientConfig: { url: `${webhook.url}/x` } }, review('u'))).rejects.toThrow(
      `failed to call webhook: Post "${webhook.url}/x?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
    webhook.answer(() => new Promise((resolve) => setTimeout(() => resolve({ allowed: true }), 1500)));
    await expect(callWebhook({ name: 'w', clientConfig: { url: `${webhook.url}/slow`, caBundle: webhook.caBundle }, timeoutSeconds: 1 }, review('u'))).rejects.toThrow(
      `failed to call webhook: Post "${webhook.url}/slow?timeout=1s": context deadline exceeded`,
    );
  });

  it('checks the answer: JSON, an AdmissionReview, the echoed uid, a JSONPatch patch type', () => {
    const answer = (response: unknown) => JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response });
    expect(checkedResponse(answer({ uid: 'u', allowed: false }), 'u')).toEqual({ uid: 'u', allowed: false });
    expect(() => checkedResponse('not json', 'u')).toThrow(WebhookCallError);
    expect(() => checkedResponse(JSON.stringify({ kind: 'Other' }), 'u')).toThrow('received invalid webhook response: expected admission.k8s.io/v1, Kind=AdmissionReview');
    expect(() => checkedResponse(answer({ uid: 'other', allowed: true }), 'u')).toThrow('expected response.uid="u", got "other"');
    expect(() => checkedResponse(answer({ uid: 'u', allowed: true, patch: 'W10=', patchType: 'Merge' }), 'u')).toThrow('webhook returned unsupported patchType "Merge"');
  });
});
