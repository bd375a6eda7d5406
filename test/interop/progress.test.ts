/**
 * Progress records across frameworks: an object that one left half-handled (`first` succeeded, `second`
 * failing with a temporary error) is finished by the other, which runs `second` only, completes the
 * creation, purges the progress annotations and writes the diff-base.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TemporaryError } from '../../src/core/handler-errors.ts';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { startExampleCluster } from '../support/engine-cluster.ts';
import {
  createNamespace,
  describeWithKopf,
  exampleIn,
  kopfAnnotations,
  lastHandled,
  progressRecord,
  startKopfOn,
  startKopfTsOn,
  stepTimeoutMs,
} from './support.ts';

describeWithKopf('a half-handled creation', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startExampleCluster();
  });
  afterAll(async () => cluster?.stop());

  /** Waits until `first` has succeeded and `second` has failed at least once, as stored on the object. */
  async function halfHandled(namespace: string, name: string): Promise<void> {
    await cluster.waitFor(
      async () => {
        const object = await cluster.get('kopfexamples', name, namespace);
        return progressRecord(object, 'first')?.success === true && progressRecord(object, 'second')?.message === 'not yet';
      },
      { description: `${namespace}/${name} to be half-handled`, timeout: stepTimeoutMs },
    );
  }

  it('left by Kopf is finished by kopf-ts without re-running the succeeded handler', async () => {
    const namespace = await createNamespace(cluster, 'progress-from-kopf');
    const kopf = await startKopfOn(cluster, namespace, 'progress.py', { INTEROP_SECOND_FAILS: '1' });
    try {
      await cluster.apply(exampleIn(namespace, 'left-by-kopf'));
      await kopf.waitForLine(/\[progress-from-kopf\/left-by-kopf\] Handler 'second' failed temporarily: not yet$/, stepTimeoutMs);
      await halfHandled(namespace, 'left-by-kopf');
    } finally {
      await kopf.stop();
    }
    expect(kopf.matching(/\[progress-from-kopf\/left-by-kopf\] Handler 'first' succeeded\.$/)).toHaveLength(1);

    const calls: string[] = [];
    const registry = new Registry();
    registry.on.create('kopfexamples', { id: 'first' }, () => {
      calls.push('first');
      return { by: 'kopf-ts' };
    });
    registry.on.create('kopfexamples', { id: 'second' }, () => {
      calls.push('second');
      return { by: 'kopf-ts' };
    });
    const operator = await startKopfTsOn(cluster, namespace, registry);
    try {
      await operator.waitForLine(/^\[progress-from-kopf\/left-by-kopf\] Creation is processed: 2 succeeded; 0 failed\.$/, stepTimeoutMs);
      expect(calls).toEqual(['second']);
      expect(operator.matching(/Handler 'first'/)).toEqual([]);
      expect(operator.matching(/^\[progress-from-kopf\/left-by-kopf\] Handler 'second' succeeded\.$/)).toHaveLength(1);
      const object = await cluster.waitFor(async () => {
        const current = await cluster.get('kopfexamples', 'left-by-kopf', namespace);
        return (current?.status as { second?: unknown } | undefined)?.second ? current : undefined;
      }, { timeout: stepTimeoutMs });
      expect(object.status).toEqual({ first: { by: 'kopf' }, second: { by: 'kopf-ts' } });
      // The progress of both handlers (and Kopf's touch-dummy, if it was set) is gone; the diff-base is there.
      expect(Object.keys(kopfAnnotations(object))).toEqual(['kopf.zalando.org/last-handled-configuration']);
      expect(lastHandled(object)).toEqual({ spec: { field: 'value' } });
    } finally {
      await operator.stop();
    }
  });

  it('left by kopf-ts is finished by Kopf without re-running the succeeded handler', async () => {
    const namespace = await createNamespace(cluster, 'progress-from-kopf-ts');
    const calls: string[] = [];
    const registry = new Registry();
    registry.on.create('kopfexamples', { id: 'first' }, () => {
      calls.push('first');
      return { by: 'kopf-ts' };
    });
    registry.on.create('kopfexamples', { id: 'second' }, () => {
      calls.push('second');
      throw new TemporaryError('not yet', { delay: 1 });
    });
    const operator = await startKopfTsOn(cluster, namespace, registry);
    try {
      await cluster.apply(exampleIn(namespace, 'left-by-kopf-ts'));
      await operator.waitForLine(/^\[progress-from-kopf-ts\/left-by-kopf-ts\] Handler 'second' failed temporarily: not yet$/, stepTimeoutMs);
      await halfHandled(namespace, 'left-by-kopf-ts');
    } finally {
      await operator.stop();
    }
    expect(calls[0]).toBe('first');
    expect(calls.filter((call) => call === 'first')).toHaveLength(1);

    const kopf = await startKopfOn(cluster, namespace, 'progress.py');
    try {
      await kopf.waitForLine(/\[progress-from-kopf-ts\/left-by-kopf-ts\] Creation is processed: 2 succeeded; 0 failed\.$/, stepTimeoutMs);
      expect(kopf.matching(/Handler 'first'/)).toEqual([]);
      expect(kopf.matching(/\[progress-from-kopf-ts\/left-by-kopf-ts\] Handler 'second' succeeded\.$/)).toHaveLength(1);
      const object = await cluster.waitFor(async () => {
        const current = await cluster.get('kopfexamples', 'left-by-kopf-ts', namespace);
        return (current?.status as { second?: unknown } | undefined)?.second ? current : undefined;
      }, { timeout: stepTimeoutMs });
      expect(object.status).toEqual({ first: { by: 'kopf-ts' }, second: { by: 'kopf' } });
      expect(Object.keys(kopfAnnotations(object))).toEqual(['kopf.zalando.org/last-handled-configuration']);
      expect(lastHandled(object)).toEqual({ spec: { field: 'value' } });
    } finally {
      await kopf.stop();
    }
  });
});
