/**
 * Handler errors, as Kopf treats them: a temporary error is retried after its delay (the operator
 * sleeps, then touches the object to wake itself), a permanent error ends the handler, an arbitrary
 * error follows the handler's `errors` mode, `retries` and `backoff`. Progress survives between attempts
 * in the object's annotations, and is purged when the cause is done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, TemporaryError } from '../../src/core/handler-errors.ts';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { example, exampleField, startExampleCluster } from '../support/engine-cluster.ts';
import { startOperator } from '../support/operator.ts';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startExampleCluster();
});
afterAll(async () => cluster?.stop());

describe('handler errors', () => {
  it('retries a temporary error after its delay, then succeeds', async () => {
    const registry = new Registry();
    const retries: number[] = [];
    registry.on.create('kopfexamples', function createFn({ retry }) {
      retries.push(retry);
      if (retry < 2) throw new TemporaryError('not yet', { delay: 0.3 });
      return { attempts: retry + 1 };
    });
    const operator = await startOperator(cluster, { registry });
    try {
      await cluster.apply(example('temporary'));
      expect(await cluster.waitFor(() => exampleField(cluster, 'temporary', 'status.createFn.attempts'))).toBe(3);
      expect(retries).toEqual([0, 1, 2]);
      expect(operator.matching(/^\[default\/temporary\] Handler 'createFn' failed temporarily: not yet$/)).toHaveLength(2);
      expect(operator.matching(/Sleeping was skipped because of the patch, 0\.\d+ seconds left\./).length).toBeGreaterThan(0);
      await cluster.waitFor(async () => {
        const annotations = (await exampleField(cluster, 'temporary', 'metadata.annotations')) ?? {};
        return !Object.keys(annotations).some((key) => key === 'kopf.zalando.org/createFn');
      });
    } finally {
      await operator.stop();
    }
  });

  it('keeps the progress of an unfinished handler on the object', async () => {
    const registry = new Registry();
    registry.on.create('kopfexamples', function createFn() {
      throw new TemporaryError('later', { delay: 60 });
    });
    const operator = await startOperator(cluster, { registry });
    try {
      await cluster.apply(example('pending'));
      const record = await cluster.waitFor(async () => {
        const annotations = (await exampleField(cluster, 'pending', 'metadata.annotations')) ?? {};
        return annotations['kopf.zalando.org/createFn'] as string | undefined;
      });
      expect(JSON.parse(record)).toMatchObject({ retries: 1, success: false, failure: false, message: 'later', purpose: 'create' });
      // The operator logs this line only when its PATCH has returned (processing.ts: after applyPatch), so the
      // stored annotation may be seen first.
      const skipped = /Sleeping was skipped because of the patch, (60|59\.\d+) seconds left\./;
      await operator.waitForLine(skipped);
      expect(operator.matching(skipped)).toHaveLength(1);
    } finally {
      await operator.stop();
    }
  });

  it('ends a handler on a permanent error', async () => {
    const registry = new Registry();
    let calls = 0;
    registry.on.create('kopfexamples', function createFn() {
      calls++;
      throw new PermanentError('never');
    });
    const operator = await startOperator(cluster, { registry });
    try {
      await cluster.apply(example('permanent'));
      await operator.waitForLine(/^\[default\/permanent\] Creation is processed: 0 succeeded; 1 failed\.$/);
      expect(operator.matching(/^\[default\/permanent\] Handler 'createFn' failed permanently: never$/)).toHaveLength(1);
      expect(calls).toBe(1);
    } finally {
      await operator.stop();
    }
  });

  it('retries an arbitrary error after the backoff, up to its retries', async () => {
    const registry = new Registry();
    let calls = 0;
    registry.on.create('kopfexamples', { retries: 2, backoff: 0.2 }, function createFn() {
      calls++;
      throw new Error('boom');
    });
    const operator = await startOperator(cluster, { registry });
    try {
      await cluster.apply(example('arbitrary'));
      await operator.waitForLine(/^\[default\/arbitrary\] Creation is processed: 0 succeeded; 1 failed\.$/);
      expect(calls).toBe(2);
      expect(operator.matching(/^\[default\/arbitrary\] Handler 'createFn' failed with an exception and will try again in 0\.2 seconds: boom$/)).toHaveLength(1);
      expect(operator.matching(/^\[default\/arbitrary\] Handler 'createFn' failed with an exception and will stop now \(it would exceed 2 retries on the next attempt\): boom$/)).toHaveLength(1);
      expect(operator.matching(/^\s+at /).length).toBeGreaterThan(0);
    } finally {
      await operator.stop();
    }
  });

  it('takes an ignored error as done, without a result', async () => {
    const registry = new Registry();
    registry.on.create('kopfexamples', { errors: 'ignored' }, function createFn() {
      throw new Error('shrug');
    });
    const operator = await startOperator(cluster, { registry });
    try {
      await cluster.apply(example('ignored'));
      await operator.waitForLine(/^\[default\/ignored\] Creation is processed: 1 succeeded; 0 failed\.$/);
      expect(operator.matching(/Handler 'createFn' failed with an exception and will ignore it: shrug/)).toHaveLength(1);
    } finally {
      await operator.stop();
    }
  });
});
