import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { Settings } from '../registry/settings.ts';
import { transportSettings } from './transport-settings.ts';

const logger = pino({ level: 'silent' });

describe('transportSettings', () => {
  it("turns Kopf's networking defaults into the transport's", () => {
    const settings = transportSettings(Settings(), logger);
    expect(settings).toMatchObject({
      delays: [1, 1, 2, 3, 5, 8, 13, 21],
      enforceRetryAfter: false,
      timeoutMs: 300_000,
      requestTimeoutMs: 300_000,
      connectTimeoutMs: undefined,
      streamConnectTimeoutMs: undefined,
      trustEnv: false,
      connectionLimit: 32,
    });
  });

  it('gives watch streams watching.connectTimeout, else networking.connectTimeout', () => {
    expect(transportSettings(Settings({ networking: { connectTimeout: 3 } }), logger)).toMatchObject({ connectTimeoutMs: 3000, streamConnectTimeoutMs: 3000 });
    expect(transportSettings(Settings({ networking: { connectTimeout: 3 }, watching: { connectTimeout: 0.5 } }), logger)).toMatchObject({ connectTimeoutMs: 3000, streamConnectTimeoutMs: 500 });
  });

  it('lifts the request limits with a null requestTimeout, and the connection limit with null', () => {
    expect(transportSettings(Settings({ networking: { requestTimeout: null, connectionLimit: null, errorBackoffs: 2 } }), logger)).toMatchObject({
      timeoutMs: 0,
      requestTimeoutMs: 0,
      connectionLimit: null,
      delays: [2],
    });
  });
});
