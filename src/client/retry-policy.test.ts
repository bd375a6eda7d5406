import { describe, expect, it } from 'vitest';
import { classifyConnectionFailure, mayRetryStatus, parseRetryAfter } from './retry-policy.ts';

function failure(code: string, nested = false): Error {
  const error = Object.assign(new Error(code), { code });
  return nested ? Object.assign(new Error('fetch failed'), { cause: error }) : error;
}

describe('classifyConnectionFailure', () => {
  it('knows the failures that happen before anything is sent', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_TLS_HANDSHAKE_TIMEOUT']) {
      expect(classifyConnectionFailure(failure(code))).toEqual({ sent: false, certificate: false });
    }
  });

  it('treats resets and closed sockets as possibly sent', () => {
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'EPIPE']) {
      expect(classifyConnectionFailure(failure(code))).toEqual({ sent: true, certificate: false });
    }
    expect(classifyConnectionFailure(new Error('no code'))).toEqual({ sent: true, certificate: false });
  });

  it('recognizes an untrusted server certificate, also as a cause', () => {
    expect(classifyConnectionFailure(failure('SELF_SIGNED_CERT_IN_CHAIN', true))).toEqual({ sent: false, certificate: true });
    expect(classifyConnectionFailure(failure('ERR_TLS_CERT_ALTNAME_INVALID'))).toEqual({ sent: false, certificate: true });
  });
});

describe('mayRetryStatus', () => {
  it('retries 429 for every request: it was refused before any work', () => {
    expect(mayRetryStatus(429, false)).toBe(true);
  });

  it('retries 500/502/503/504 only for repeatable requests', () => {
    for (const code of [500, 502, 503, 504]) {
      expect(mayRetryStatus(code, true)).toBe(true);
      expect(mayRetryStatus(code, false)).toBe(false);
    }
  });

  it('never retries other statuses', () => {
    for (const code of [400, 401, 403, 404, 409, 410, 422, 501]) expect(mayRetryStatus(code, true)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it('ignores absent and unreadable values', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(['2', '9'])).toBe(2000);
  });
});
