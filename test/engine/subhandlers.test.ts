/**
 * Sub-handlers: registered inside a changing handler (`kopf.subhandler`, `kopf.register`) or run in place
 * (`kopf.execute`), with ids `parent/child`, progress stored like their parent's, the parent retried
 * until all are done, and nothing re-run that already succeeded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemporaryError } from '../../src/core/handler-errors.ts';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { execute, register, subhandler } from '../../src/registry/subhandlers.ts';
import { example, exampleField, startExampleCluster } from '../support/engine-cluster.ts';
import { startOperator } from '../support/operator.ts';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startExampleCluster();
});
afterAll(async () => cluster?.stop());

describe('sub-handlers', () => {
  it('run after their parent returns, one per item, with parent/child ids', async () => {
    const registry = new Registry();
    const calls: string[] = [];
    registry.on.create('kopfexamples', function createFn({ spec }) {
      for (const item of spec.items as string[]) {
        subhandler({ id: item }, function itemFn() {
          calls.push(item);
          return { item };
        });
      }
    });
    const operator = await startOperator(cluster, { registry });
    try {
      await cluster.apply(example('parent', { items: ['item1', 'item2'] }));
      await operator.waitForLine(/^\[default\/parent\] Creation is processed: 1 succeeded; 0 failed\.$/);
      expect(calls).toEqual(['item1', 'item2']);
      for (const id of ['createFn/item1', 'createFn/item2', 'createFn']) {
        expect(operator.matching(new RegExp(`^\\[default/parent\\] Handler '${id}' succeeded\\.$`))).toHaveLength(1);
      }
      await cluster.waitFor(() => exampleField(cluster, 'parent', 'status.createFn/item2'));
      expect(await exampleField(cluster, 'parent', 'status')).toEqual({ 'createFn/item1': { item: 'item1' }, 'createFn/item2': { item: 'item2' } });
      const annotations = await cluster.waitFor(async () => {
        const current = (await exampleField(cluster, 'parent', 'metadata.annotations')) ?? {};
        return Object.keys(current).every((key) => !key.startsWith('kopf.zalando.org/createFn')) ? current : undefined;
      });
      expect(Object.keys(annotations)).toEqual(['kopf.zalando.org/last-handled-configuration']);
    } finally {
      await operator.stop();
    }
  });

  it('run one per cycle (the parent lifecycle); only the unfinished are retried, the parent with them', async () => {
    const registry = new Registry();
    const calls: string[] = [];
    registry.on.create('kopfexamples', async function createFn() {
      calls.push('parent');
      await execute({
        fns: {
          steady() {
            calls.push('steady');
          },
          flaky({ retry }: { retry: number }) {
            calls.push(`flaky ${retry}`);
            if (retry === 0) throw new TemporaryError('again', { delay: 0.2 });
          },
        },
      });
      calls.push('parent done');
    });
    const operator = await startOperator(cluster, { registry });
    try {
      await cluster.apply(example('retried'));
      await operator.waitForLine(/^\[default\/retried\] Creation is processed: 1 succeeded; 0 failed\.$/);
      expect(calls).toEqual(['parent', 'steady', 'parent', 'flaky 0', 'parent', 'flaky 1', 'parent done']);
      expect(operator.matching(/Handler 'createFn' has unfinished sub-handlers\. Will retry soon\./)).toHaveLength(2);
    } finally {
      await operator.stop();
    }
  });

  it('can be registered functionally, and fail outside a handler', async () => {
    expect(() => register(function stray() {})).toThrow(/inside a running/);
    const registry = new Registry();
    registry.on.create('kopfexamples', function createFn() {
      register(function childFn() {
        return 'ok';
      });
    });
    const operator = await startOperator(cluster, { registry });
    try {
      await cluster.apply(example('functional'));
      await operator.waitForLine(/^\[default\/functional\] Creation is processed: 1 succeeded; 0 failed\.$/);
      expect(await cluster.waitFor(() => exampleField(cluster, 'functional', 'status.createFn/childFn'))).toBe('ok');
    } finally {
      await operator.stop();
    }
  });
});
