import { request as httpsRequest } from 'node:https';
import type { WebhookSpec } from './webhook-configurations.ts';

/** What a webhook answers in `response` (AdmissionReview v1). */
export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  patchType?: string;
  /** Base64 of an RFC 6902 patch. */
  patch?: string;
  warnings?: string[];
  status?: { code?: number; message?: string; reason?: string; details?: Record<string, unknown> };
}

/**
 * A webhook that could not be called or answered nonsense. Its message is
 * what follows `failed calling webhook "<name>": ` in the 500 the client
 * gets under failurePolicy Fail.
 */
export class WebhookCallError extends Error {}

/** The longest answer read from a webhook; more is a failed call. */
const maxResponseBytes = 3 * 1024 * 1024;

/** The URL the API server posts to: the configured one, or the Service's in-cluster name (§11). */
export function webhookUrl(spec: WebhookSpec): string {
  const timeout = `timeout=${spec.timeoutSeconds ?? 10}s`;
  const { url, service } = spec.clientConfig;
  if (url) return `${url}${url.includes('?') ? '&' : '?'}${timeout}`;
  const path = service?.path ?? '';
  return `https://${service?.name}.${service?.namespace}.svc:${service?.port ?? 443}${path}?${timeout}`;
}

/** Node's socket errors in the words of Go's net package, which upstream's messages carry. */
function describeFailure(error: NodeJS.ErrnoException, target: URL): string {
  const address = `${target.hostname}:${target.port || 443}`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${address}: connect: connection refused`;
    case 'ENOTFOUND':
      return `dial tcp: lookup ${target.hostname}: no such host`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: certificate is not valid for ${target.hostname}`;
    default:
      return error.message;
  }
}

/**
 * POSTs an AdmissionReview to a webhook over HTTPS, trusting only the
 * configuration's caBundle, within its timeoutSeconds, and answers the
 * checked `response`. A Service reference cannot be reached: the embedded
 * cluster has no service network, so such a call fails like a Service
 * without endpoints.
 */
export function callWebhook(spec: WebhookSpec, review: { request: { uid: string } }): Promise<AdmissionResponse> {
  const url = webhookUrl(spec);
  const service = spec.clientConfig.service;
  if (!spec.clientConfig.url) {
    return Promise.reject(new WebhookCallError(`failed to call webhook: Post "${url}": no endpoints available for service "${service?.name}"`));
  }
  const target = new URL(url);
  const ca = spec.clientConfig.caBundle ? Buffer.from(spec.clientConfig.caBundle, 'base64').toString('utf8') : undefined;
  const timeoutMs = (spec.timeoutSeconds ?? 10) * 1000;
  const body = JSON.stringify(review);
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new WebhookCallError(`failed to call webhook: Post "${url}": ${why}`));
    const request = httpsRequest(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': Buffer.byteLength(body) },
      ...(ca ? { ca } : {}),
      agent: false,
    });
    const deadline = setTimeout(() => {
      request.destroy();
      fail('context deadline exceeded');
    }, timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      fail(describeFailure(error, target));
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxResponseBytes) {
          clearTimeout(deadline);
          request.destroy();
          fail(`the response is larger than ${maxResponseBytes} bytes`);
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        clearTimeout(deadline);
        const text = Buffer.concat(chunks).toString('utf8');
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          reject(new WebhookCallError(`failed to call webhook: the server responded with the status code ${status} but did not return more information`));
          return;
        }
        try {
          resolve(checkedResponse(text, review.request.uid));
        } catch (e) {
          reject(e);
        }
      });
    });
    request.end(body);
  });
}

/** The `response` of a webhook's answer, after the checks upstream makes (uid echoed, a known patch type). */
export function checkedResponse(text: string, uid: string): AdmissionResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new WebhookCallError(`received invalid webhook response: ${(e as Error).message}`);
  }
  const review = parsed as { apiVersion?: unknown; kind?: unknown; response?: AdmissionResponse } | null;
  if (!review || typeof review !== 'object' || review.kind !== 'AdmissionReview' || review.apiVersion !== 'admission.k8s.io/v1') {
    throw new WebhookCallError(`received invalid webhook response: expected admission.k8s.io/v1, Kind=AdmissionReview`);
  }
  const response = review.response;
  if (!response || typeof response !== 'object') throw new WebhookCallError('webhook response was absent');
  if (response.uid !== uid) throw new WebhookCallError(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(response.uid ?? '')}`);
  if (response.patch !== undefined && response.patchType !== 'JSONPatch') {
    throw new WebhookCallError(`webhook returned unsupported patchType ${JSON.stringify(response.patchType ?? '')}`);
  }
  return response;
}
