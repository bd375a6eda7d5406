/**
 * The finalizer across frameworks: a mandatory delete handler under one puts Kopf's finalizer on the
 * object; the object is deleted while only the other runs; the other's delete handler runs and releases it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { startExampleCluster } from '../support/engine-cluster.ts';
import { createNamespace, describeWithKopf, exampleIn, startKopfOn, startKopfTsOn, stepTimeoutMs } from './support.ts';

const finalizer = 'kopf.zalando.org/KopfFinalizerMarker';

describeWithKopf('the finalizer', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startExampleCluster();
  });
  afterAll(async () => cluster?.stop());

  async function held(namespace: string, name: string): Promise<void> {
    await cluster.waitFor(
      async () => {
        const object = await cluster.get('kopfexamples', name, namespace);
        return JSON.stringify(object?.metadata?.finalizers) === JSON.stringify([finalizer]) && (object?.status as { create?: unknown })?.create;
      },
      { description: `${namespace}/${name} to be created and held by the finalizer`, timeout: stepTimeoutMs },
    );
  }

  async function gone(namespace: string, name: string): Promise<void> {
    await cluster.waitFor(async () => (await cluster.get('kopfexamples', name, namespace)) === undefined, {
      description: `${namespace}/${name} to be gone`,
      timeout: stepTimeoutMs,
    });
  }

  function kopfTsHandlers(calls: string[]): Registry {
    const registry = new Registry();
    registry.on.create('kopfexamples', { id: 'create' }, () => {
      calls.push('create');
      return { by: 'kopf-ts' };
    });
    registry.on.delete('kopfexamples', { id: 'cleanup' }, ({ name }) => {
      calls.push(`cleanup ${name}`);
    });
    return registry;
  }

  it('put on by Kopf is released by kopf-ts after its delete handler', async () => {
    const namespace = await createNamespace(cluster, 'finalizer-from-kopf');
    const kopf = await startKopfOn(cluster, namespace, 'finalizer.py');
    try {
      await cluster.apply(exampleIn(namespace, 'held-by-kopf'));
      await kopf.waitForLine(/\[finalizer-from-kopf\/held-by-kopf\] Creation is processed: 1 succeeded; 0 failed\.$/, stepTimeoutMs);
      await held(namespace, 'held-by-kopf');
    } finally {
      await kopf.stop();
    }
    expect(kopf.matching(/\[finalizer-from-kopf\/held-by-kopf\] Adding the finalizer, thus preventing the actual deletion\.$/)).toHaveLength(1);

    const calls: string[] = [];
    const operator = await startKopfTsOn(cluster, namespace, kopfTsHandlers(calls));
    try {
      await cluster.delete('kopfexamples', 'held-by-kopf', { namespace });
      await operator.waitForLine(/^\[finalizer-from-kopf\/held-by-kopf\] Deleted, really deleted, and we are notified\.$/, stepTimeoutMs);
      await gone(namespace, 'held-by-kopf');
      expect(calls).toEqual(['cleanup held-by-kopf']);
      expect(operator.matching(/^\[finalizer-from-kopf\/held-by-kopf\] Handler 'cleanup' succeeded\.$/)).toHaveLength(1);
      expect(operator.matching(/^\[finalizer-from-kopf\/held-by-kopf\] Removing the finalizer, thus allowing the actual deletion\.$/)).toHaveLength(1);
    } finally {
      await operator.stop();
    }
  });

  it('put on by kopf-ts is released by Kopf after its delete handler', async () => {
    const namespace = await createNamespace(cluster, 'finalizer-from-kopf-ts');
    const calls: string[] = [];
    const operator = await startKopfTsOn(cluster, namespace, kopfTsHandlers(calls));
    try {
      await cluster.apply(exampleIn(namespace, 'held-by-kopf-ts'));
      await operator.waitForLine(/^\[finalizer-from-kopf-ts\/held-by-kopf-ts\] Creation is processed: 1 succeeded; 0 failed\.$/, stepTimeoutMs);
      await held(namespace, 'held-by-kopf-ts');
    } finally {
      await operator.stop();
    }
    expect(calls).toEqual(['create']);

    const kopf = await startKopfOn(cluster, namespace, 'finalizer.py');
    try {
      await cluster.delete('kopfexamples', 'held-by-kopf-ts', { namespace });
      await kopf.waitForLine(/\[finalizer-from-kopf-ts\/held-by-kopf-ts\] Deleted, really deleted, and we are notified\.$/, stepTimeoutMs);
      await gone(namespace, 'held-by-kopf-ts');
      expect(kopf.matching(/\[finalizer-from-kopf-ts\/held-by-kopf-ts\] cleaned up by kopf$/)).toHaveLength(1);
      expect(kopf.matching(/\[finalizer-from-kopf-ts\/held-by-kopf-ts\] Handler 'cleanup' succeeded\.$/)).toHaveLength(1);
      expect(kopf.matching(/Handler 'create'/)).toEqual([]);
    } finally {
      await kopf.stop();
    }
  });
});
