/**
 * Activities: startup handlers run first and may change the settings (retried on temporary errors; a
 * permanent failure stops the operator), cleanup handlers run at the end, and probes answer on the
 * liveness endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, TemporaryError } from '../../src/core/handler-errors.ts';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { Settings } from '../../src/registry/settings.ts';
import { startExampleCluster } from '../support/engine-cluster.ts';
import { startOperator } from '../support/operator.ts';
import { defaultBackend } from '../../src/testing.ts';

const real = defaultBackend() === 'real';
if (real) console.warn('the networking-settings test needs fault injection and runs on the embedded backend only');

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startExampleCluster();
});
afterAll(async () => cluster?.stop());

describe('activities', () => {
  it('run startup (with retries) before anything else and cleanup at the end', async () => {
    const registry = new Registry();
    const order: string[] = [];
    registry.on.startup(function configureFn({ retry, settings, memo }) {
      order.push(`startup ${retry}`);
      if (retry === 0) throw new TemporaryError('not yet', { delay: 0.1 });
      settings.posting.level = 'warn';
      memo.ready = true;
    });
    registry.on.cleanup(function goodbyeFn({ memo }) {
      order.push(`cleanup ${memo.ready}`);
    });
    const operator = await startOperator(cluster, { registry });
    order.push('ready');
    await operator.stop();
    expect(order).toEqual(['startup 0', 'startup 1', 'ready', 'cleanup true']);
    expect(operator.matching(/^Activity 'configureFn' failed temporarily: not yet$/)).toHaveLength(1);
  });

  it.skipIf(real)('apply networking settings that startup handlers change', async () => {
    const registry = new Registry();
    registry.on.startup(function tuneFn({ settings }) {
      settings.networking.errorBackoffs = [0.05];
      // The operator's next request, its first after the startup, is throttled once.
      cluster.faults!.set({ throttleNextRequests: 1, retryAfterSeconds: 0 });
    });
    // Without a client given, the operator makes its own (before the startup handlers, which may use it).
    const operator = await startOperator(cluster, { registry, connection: { kubeconfig: cluster.kubeconfigPath } }, { counting: false });
    await operator.stop();
    expect(operator.matching(/^Request attempt #1\/1 failed; will retry in 0\.05 seconds: /)).toHaveLength(1);
  });

  it('give up a cleanup that outlasts the ultimate exiting timeout', async () => {
    const registry = new Registry();
    registry.on.cleanup(async function stuckFn() {
      await new Promise(() => {});
    });
    const operator = await startOperator(cluster, { registry, settings: Settings({ process: { ultimateExitingTimeout: 0.3 } }) });
    await operator.stop();
    expect(operator.matching(/^Cleanup activity is only partially executed due to cancellation\.$/)).toHaveLength(1);
  });

  it('stop the operator when a startup handler fails for good', async () => {
    const registry = new Registry();
    registry.on.startup(function brokenFn() {
      throw new PermanentError('no database');
    });
    await expect(startOperator(cluster, { registry })).rejects.toThrow(/The startup activity failed: Activity 'brokenFn' failed for good\./);
  });

  it('answer probes on the liveness endpoint, and 500 when a probe fails', async () => {
    const registry = new Registry();
    let healthy = true;
    registry.on.probe(function pingFn() {
      return { ok: true };
    });
    registry.on.probe(function dbFn() {
      if (!healthy) throw new PermanentError('db down');
      return 'connected';
    });
    let url = '';
    const operator = await startOperator(cluster, { registry, liveness: 'http://127.0.0.1:0/healthz', onLiveness: (served) => (url = served) });
    try {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ pingFn: { ok: true }, dbFn: 'connected' });
      expect((await fetch(url.replace('/healthz', '/other'))).status).toBe(404);
    } finally {
      await operator.stop();
    }
    healthy = false;
    const failing = await startOperator(cluster, { registry, liveness: 'http://127.0.0.1:0/healthz', onLiveness: (served) => (url = served) });
    try {
      const response = await fetch(url);
      expect(response.status).toBe(500);
      expect(await response.text()).toMatch(/Activity 'dbFn' failed for good/);
    } finally {
      await failing.stop();
    }
  });
});
