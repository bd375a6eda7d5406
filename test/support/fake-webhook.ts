/**
 * A throw-away admission webhook over HTTPS for tests of the API server's
 * webhook calls: it records every AdmissionReview it gets and answers with
 * what the test's `answer` function returns for it.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServingCertificates } from '../../src/core/certificates.ts';

/** What a test answers for one review: the `response` fields besides uid (allowed, patch, status, warnings…). */
export type WebhookAnswer = Record<string, unknown>;

export interface FakeWebhook {
  /** `https://127.0.0.1:<port>`: append a path per webhook. */
  url: string;
  /** Base64 of the CA that signed the server's certificate, for `clientConfig.caBundle`. */
  caBundle: string;
  /** Every review received: its path (with query) and request. */
  calls: Array<{ path: string; request: any }>;
  /** Sets how the server answers; it gets the path without query and the review's request. */
  answer(fn: (path: string, request: any) => WebhookAnswer | Promise<WebhookAnswer>): void;
  stop(): Promise<void>;
}

/** A base64 JSON patch, as a mutating webhook sends it. */
export function jsonPatch(operations: unknown[]): string {
  return Buffer.from(JSON.stringify(operations)).toString('base64');
}

export async function startFakeWebhook(): Promise<FakeWebhook> {
  const certificates = await createServingCertificates({ hosts: ['localhost'], ips: ['127.0.0.1'] });
  const calls: FakeWebhook['calls'] = [];
  let respond: (path: string, request: any) => WebhookAnswer | Promise<WebhookAnswer> = () => ({ allowed: true });
  const server: Server = createServer({ cert: certificates.cert, key: certificates.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const path = req.url ?? '/';
      calls.push({ path, request: review.request });
      const answer = await respond(path.split('?')[0], review.request);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, ...answer } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    caBundle: Buffer.from(certificates.caCert).toString('base64'),
    calls,
    answer(fn) {
      respond = fn;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
