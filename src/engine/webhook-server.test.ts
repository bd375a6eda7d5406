/**
 * The built-in webhook server over real HTTPS: callers trust it through the CA bundle it yields, it
 * passes each request's webhook id, headers and review to the operator's function, answers what that
 * function answers (or the HTTP status of a request it cannot serve), and closes when stopped.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServingCertificates } from '../core/certificates.ts';
import type { AdmissionRequestFn, WebhookClientConfig } from '../registry/settings.ts';
import { WebhookRequestError } from './admission.ts';
import { WebhookServer, type WebhookServerOptions } from './webhook-server.ts';

interface Answer {
  status: number;
  text: string;
}

function post(url: string, body: string, caBundle?: string, client?: { cert: string; key: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const options = { method: 'POST', headers: { 'content-type': 'application/json', 'x-probe': 'yes' } };
    const request = target.protocol === 'https:' ? https.request(target, { ...options, ...client, ca: caBundle && Buffer.from(caBundle, 'base64').toString('utf8') }) : http.request(target, options);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const running: AsyncIterator<WebhookClientConfig>[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((iterator) => iterator.return?.()));
});

async function serve(options: WebhookServerOptions, handle: AdmissionRequestFn): Promise<{ config: WebhookClientConfig; iterator: AsyncIterator<WebhookClientConfig> }> {
  const iterator = WebhookServer(options)(handle)[Symbol.asyncIterator]();
  running.push(iterator);
  const first = await iterator.next();
  if (first.done) throw new Error('the server yielded no client configuration');
  return { config: first.value, iterator };
}

describe('the built-in webhook server', () => {
  it('serves the reviews over HTTPS with a generated CA, passing the webhook id and headers', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kopf-webhook-'));
    const calls: { review: unknown; webhook?: string; headers?: Record<string, string> }[] = [];
    const { config } = await serve({ path: '/hooks/', cadump: join(directory, 'ca.pem') }, async (review, request) => {
      calls.push({ review, webhook: request.webhook, headers: request.headers });
      return { kind: 'AdmissionReview', response: { uid: 'u', allowed: true } };
    });
    expect(config.url).toMatch(/^https:\/\/localhost:\d+\/hooks$/);
    expect(Buffer.from(config.caBundle!, 'base64').toString('utf8')).toBe(readFileSync(join(directory, 'ca.pem'), 'utf8'));

    const answer = await post(`${config.url}/parent%2Fchild?timeout=10s`, JSON.stringify({ kind: 'AdmissionReview' }), config.caBundle);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ kind: 'AdmissionReview', response: { uid: 'u', allowed: true } });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ review: { kind: 'AdmissionReview' }, webhook: 'parent/child', headers: { 'x-probe': 'yes' } });
  });

  it('answers with HTTP errors for bodies that are not JSON and requests that cannot be served', async () => {
    const { config } = await serve({ addr: '127.0.0.1' }, async () => {
      throw new WebhookRequestError(404, 'no such resource');
    });
    expect(config.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await post(`${config.url}/check`, '{not json', config.caBundle)).toMatchObject({ status: 400 });
    expect(await post(`${config.url}/bad%zz`, '{}', config.caBundle)).toMatchObject({ status: 400 });
    expect(await post(`${config.url}/check`, '{}', config.caBundle)).toEqual({ status: 404, text: 'no such resource' });
    const { config: other } = await serve({ addr: '127.0.0.1', path: '/hooks' }, async () => ({}));
    expect(await post(`${other.url!.replace('/hooks', '/elsewhere')}/check`, '{}', other.caBundle)).toMatchObject({ status: 404 });
  });

  it('serves plain HTTP without a CA bundle when insecure', async () => {
    const { config } = await serve({ addr: '127.0.0.1', insecure: true }, async (_review, request) => ({ webhook: request.webhook }));
    expect(config).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(JSON.parse((await post(`${config.url}/validate`, '{}')).text)).toEqual({ webhook: 'validate' });
  });

  it('serves with the given certificate files, giving the CA file to the API server', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kopf-webhook-'));
    const certificates = await createServingCertificates({ hosts: ['localhost'], ips: [] });
    writeFileSync(join(directory, 'cert.pem'), certificates.cert);
    writeFileSync(join(directory, 'key.pem'), certificates.key);
    writeFileSync(join(directory, 'ca.pem'), certificates.caCert);
    const files = { certfile: join(directory, 'cert.pem'), pkeyfile: join(directory, 'key.pem'), cafile: join(directory, 'ca.pem') };
    const { config } = await serve({ ...files, host: 'localhost' }, async () => ({ ok: true }));
    expect(Buffer.from(config.caBundle!, 'base64').toString('utf8')).toBe(certificates.caCert);
    expect(JSON.parse((await post(`${config.url}/x`, '{}', config.caBundle)).text)).toEqual({ ok: true });
  });

  it('passes a verified client certificate as sslpeer, and serves callers without one', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kopf-webhook-'));
    const client = await createServingCertificates({ hosts: ['apiserver-client'], ips: [] });
    writeFileSync(join(directory, 'client-ca.pem'), client.caCert);
    const { config } = await serve({ addr: '127.0.0.1', verifyCafile: join(directory, 'client-ca.pem') }, async (_review, request) => ({ peer: request.sslpeer }));
    const verified = JSON.parse((await post(`${config.url}/x`, '{}', config.caBundle, { cert: client.cert, key: client.key })).text);
    expect(verified.peer.subject).toEqual({ CN: 'apiserver-client' });
    expect(JSON.parse((await post(`${config.url}/x`, '{}', config.caBundle)).text)).toEqual({ peer: {} });
  });

  it('closes when the iteration is stopped, ending a pending wait for the next configuration', async () => {
    const { config, iterator } = await serve({ addr: '127.0.0.1' }, async () => ({}));
    const pending = iterator.next();
    await iterator.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    await expect(post(`${config.url}/x`, '{}', config.caBundle)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
