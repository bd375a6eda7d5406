import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Api } from '../../src/client/api.ts';
import { ConflictError, ServerError, TooManyRequestsError } from '../../src/client/errors.ts';
import type { RetryNotice } from '../../src/client/transport.ts';
import { defaultBackend, startCluster, type TestCluster } from '../../src/testing.ts';

// Retries against the embedded cluster's fault injection (the real control plane cannot fail on demand).
if (defaultBackend() === 'real') console.warn('client retry tests need fault injection and run on the embedded backend only');

const ConfigMaps = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const fast = { initialMs: 10, maxMs: 50, factor: 2, jitter: 0.5 };

describe.skipIf(defaultBackend() === 'real')('retries (fault injection: embedded cluster only)', () => {
  let cluster: TestCluster;
  let api: Api;
  const retries: RetryNotice[] = [];
  const namespace = `retries-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    api = await connect({ kubeconfig: cluster.kubeconfigPath, transport: { backoff: fast, retries: 5, onRetry: (n) => retries.push(n) } });
    // Discovery happens once, before any fault is set.
    await api.list(ConfigMaps, { namespace });
  });

  afterEach(() => {
    cluster.faults!.reset();
    retries.length = 0;
  });

  afterAll(async () => {
    await api?.close();
    await cluster?.stop();
  });

  it('honours Retry-After on 429, for reads and creates alike', async () => {
    cluster.faults!.set({ throttleNextRequests: 2, retryAfterSeconds: 1 });
    const started = Date.now();
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'throttled', namespace } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(retries.map((r) => [r.attempt, r.delayMs, (r.error as TooManyRequestsError).retryAfterSeconds])).toEqual([
      [1, 1000, 1],
      [2, 1000, 1],
    ]);
    // Throttled creates were refused before any work: exactly one object exists.
    expect((await api.list(ConfigMaps, { namespace, fieldSelector: 'metadata.name=throttled' })).items).toHaveLength(1);
  });

  it('gives up on 429 after the retry limit, with the server message', async () => {
    cluster.faults!.set({ throttleNextRequests: 10, retryAfterSeconds: 0 });
    const error = await api.get(ConfigMaps, 'throttled', { namespace }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect((error as Error).message).toBe(
      `get configmaps ${namespace}/throttled: 429 TooManyRequests: the server has received too many requests and has asked us to try again later`,
    );
    expect(retries).toHaveLength(5);
  });

  it('retries reads through 503s', async () => {
    cluster.faults!.set({ errorRate: 0.5, errorCode: 503, seed: 7 });
    for (let i = 0; i < 20; i++) expect((await api.get(ConfigMaps, 'throttled', { namespace })).metadata?.name).toBe('throttled');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((r) => (r.error as ServerError).code === 503)).toBe(true);
  });

  it('retries idempotent writes through 500s', async () => {
    cluster.faults!.set({ errorRate: 0.5, errorCode: 500, seed: 3 });
    for (let i = 0; i < 10; i++) await api.patch(ConfigMaps, 'throttled', { data: { i: String(i) } }, { namespace });
    cluster.faults!.reset();
    expect((await api.get(ConfigMaps, 'throttled', { namespace })).data).toEqual({ i: '9' });
    expect(retries.length).toBeGreaterThan(0);
  });

  it('never repeats a create after a server error: it may have been applied', async () => {
    cluster.faults!.set({ errorRate: 1, errorCode: 503 });
    const error = await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'not-repeated', namespace } }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as Error).message).toBe(`create configmaps in ${namespace}: 503 ServiceUnavailable: the server is currently unable to handle the request`);
    expect(retries).toHaveLength(0);
  });

  it('reports conflicts without retrying them: the caller must re-read', async () => {
    cluster.faults!.set({ conflictNextWrites: 1 });
    const error = await api.patch(ConfigMaps, 'throttled', { data: { x: '1' } }, { namespace }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(new RegExp(`^patch configmaps ${namespace}/throttled: 409 Conflict: Operation cannot be fulfilled on configmaps "throttled"`));
    expect(retries).toHaveLength(0);
  });

  it('waits out a slow server rather than failing', async () => {
    cluster.faults!.set({ latencyMs: 300 });
    const started = Date.now();
    await api.get(ConfigMaps, 'throttled', { namespace });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(retries).toHaveLength(0);
  });
});
