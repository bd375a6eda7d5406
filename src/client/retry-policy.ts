/**
 * Which failed requests may be tried again. The rule that matters: a request
 * that may have reached the server is repeated only when repeating it is
 * harmless (GET, PUT, PATCH, DELETE — or a POST the caller vouches for);
 * a POST that may have created its object is never sent twice.
 */

/** Node's and undici's codes of failures that happen before a request is written to a socket. */
const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_PRX_TLS',
]);

/** Codes of a server certificate that does not verify: a configuration problem that no retry fixes. */
const certificateCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** What a failed connection means for retrying the request on it. */
export interface ConnectionFailure {
  /** The request may have reached the server (so a POST may have been applied). */
  sent: boolean;
  /** The server's certificate did not verify: retrying cannot help. */
  certificate: boolean;
}

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') codes.push(e.code);
  }
  return codes;
}

/** Classifies an error thrown by the HTTP layer (its `code`, or the code of its `cause`). */
export function classifyConnectionFailure(error: unknown): ConnectionFailure {
  const codes = codesOf(error);
  const certificate = codes.some((c) => certificateCodes.has(c));
  const sent = !certificate && !codes.some((c) => notSentCodes.has(c) || c.startsWith('ERR_TLS_') || c.startsWith('ERR_SSL_'));
  return { sent, certificate };
}

/** HTTP statuses worth retrying: throttling, and server failures that are usually transient. */
export function isRetryableStatus(code: number): boolean {
  return code === 429 || code === 500 || code === 502 || code === 503 || code === 504;
}

/**
 * Whether a failed response may be retried. A 429 was refused before any
 * processing, so even a POST is safe to repeat; a 5xx may come after the
 * object was written, so only requests that are safe to repeat are.
 */
export function mayRetryStatus(code: number, repeatable: boolean): boolean {
  if (code === 429) return true;
  return repeatable && isRetryableStatus(code);
}

/**
 * The delay a `Retry-After` header asks for, in milliseconds: delta-seconds
 * or an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
