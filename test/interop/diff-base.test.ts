/**
 * The last-handled-configuration across frameworks: an object fully handled by one is no new creation for
 * the other, and a change made while the other runs reaches its update handler with the diff against what
 * the first one handled.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { startExampleCluster } from '../support/engine-cluster.ts';
import { createNamespace, describeWithKopf, exampleIn, lastHandled, startKopfOn, startKopfTsOn, stepTimeoutMs } from './support.ts';

describeWithKopf('the last-handled-configuration', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startExampleCluster();
  });
  afterAll(async () => cluster?.stop());

  async function storedDiffBase(namespace: string, name: string, expected: unknown): Promise<void> {
    await cluster.waitFor(
      async () => JSON.stringify(lastHandled(await cluster.get('kopfexamples', name, namespace))) === JSON.stringify(expected),
      { description: `the diff-base of ${namespace}/${name} to be ${JSON.stringify(expected)}`, timeout: stepTimeoutMs },
    );
  }

  function kopfTsHandlers(calls: unknown[]): Registry {
    const registry = new Registry();
    registry.on.create('kopfexamples', { id: 'create' }, () => {
      calls.push('create');
      return { by: 'kopf-ts' };
    });
    registry.on.update('kopfexamples', { id: 'update' }, ({ diff }) => {
      calls.push(['update', diff]);
      return { by: 'kopf-ts' };
    });
    return registry;
  }

  it('written by Kopf makes kopf-ts see no creation, and the next change as an update', async () => {
    const namespace = await createNamespace(cluster, 'diff-base-from-kopf');
    const kopf = await startKopfOn(cluster, namespace, 'diff_base.py');
    try {
      await cluster.apply(exampleIn(namespace, 'handled-by-kopf', { field: 'one' }));
      await kopf.waitForLine(/\[diff-base-from-kopf\/handled-by-kopf\] Creation is processed: 1 succeeded; 0 failed\.$/, stepTimeoutMs);
      await storedDiffBase(namespace, 'handled-by-kopf', { spec: { field: 'one' } });
    } finally {
      await kopf.stop();
    }

    const calls: unknown[] = [];
    const operator = await startKopfTsOn(cluster, namespace, kopfTsHandlers(calls));
    try {
      await operator.waitForLine(/^\[diff-base-from-kopf\/handled-by-kopf\] Handling cycle is finished, waiting for new changes\.$/, stepTimeoutMs);
      expect(calls).toEqual([]);
      await cluster.apply(exampleIn(namespace, 'handled-by-kopf', { field: 'two' }));
      await operator.waitForLine(/^\[diff-base-from-kopf\/handled-by-kopf\] Updating is processed: 1 succeeded; 0 failed\.$/, stepTimeoutMs);
      expect(calls).toEqual([['update', [['change', ['spec', 'field'], 'one', 'two']]]]);
      expect(operator.matching(/Creation is/)).toEqual([]);
      await storedDiffBase(namespace, 'handled-by-kopf', { spec: { field: 'two' } });
    } finally {
      await operator.stop();
    }
  });

  it('written by kopf-ts makes Kopf see no creation, and the next change as an update', async () => {
    const namespace = await createNamespace(cluster, 'diff-base-from-kopf-ts');
    const calls: unknown[] = [];
    const operator = await startKopfTsOn(cluster, namespace, kopfTsHandlers(calls));
    try {
      await cluster.apply(exampleIn(namespace, 'handled-by-kopf-ts', { field: 'one' }));
      await operator.waitForLine(/^\[diff-base-from-kopf-ts\/handled-by-kopf-ts\] Creation is processed: 1 succeeded; 0 failed\.$/, stepTimeoutMs);
      await storedDiffBase(namespace, 'handled-by-kopf-ts', { spec: { field: 'one' } });
    } finally {
      await operator.stop();
    }
    expect(calls).toEqual(['create']);

    const kopf = await startKopfOn(cluster, namespace, 'diff_base.py');
    try {
      // Kopf reports the object it has just listed as resumed (it has no resume handlers), not created.
      await kopf.waitForLine(/\[diff-base-from-kopf-ts\/handled-by-kopf-ts\] Handling cycle is finished, waiting for new changes\.$/, stepTimeoutMs);
      expect(kopf.matching(/\[diff-base-from-kopf-ts\/handled-by-kopf-ts\] Resuming is in progress: /)).toHaveLength(1);
      await cluster.apply(exampleIn(namespace, 'handled-by-kopf-ts', { field: 'two' }));
      await kopf.waitForLine(/\[diff-base-from-kopf-ts\/handled-by-kopf-ts\] Updating is processed: 1 succeeded; 0 failed\.$/, stepTimeoutMs);
      const [line] = kopf.matching(/\[diff-base-from-kopf-ts\/handled-by-kopf-ts\] update diff: /);
      expect(JSON.parse(line.replace(/^.* update diff: /, ''))).toEqual([['change', ['spec', 'field'], 'one', 'two']]);
      expect(kopf.matching(/Creation is|Handler 'create'/)).toEqual([]);
      expect(kopf.matching(/\[diff-base-from-kopf-ts\/handled-by-kopf-ts\] Handler 'update' succeeded\.$/)).toHaveLength(1);
      await storedDiffBase(namespace, 'handled-by-kopf-ts', { spec: { field: 'two' } });
    } finally {
      await kopf.stop();
    }
  });
});
