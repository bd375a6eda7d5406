/**
 * Indexes: every object an index handler matches contributes keys and values, every handler reads
 * them as `indexes.<id>`, they follow changes and deletions, and no other handler runs before the
 * objects that existed at start are all indexed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { createNamespace, example, startExampleCluster } from '../support/engine-cluster.ts';
import { startOperator } from '../support/operator.ts';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startExampleCluster();
});
afterAll(async () => cluster?.stop());

function snapshot(index: ReadonlyMap<unknown, Iterable<unknown>>): Record<string, unknown[]> {
  return Object.fromEntries([...index].map(([key, store]) => [String(key), [...store].sort()]));
}

describe('indexes', () => {
  it('are complete before other handlers run, and follow changes and deletions', async () => {
    const ns = await createNamespace(cluster, 'indexed');
    for (const [name, field] of [['a', 'red'], ['b', 'red'], ['c', 'blue']]) await cluster.apply(example(name, { field }, { namespace: ns }));
    const registry = new Registry();
    const views: Array<Record<string, unknown[]>> = [];
    registry.on.index('kopfexamples', function byField({ spec, name }) {
      return { [spec.field]: name };
    });
    registry.on.event('configmaps', function readerFn({ indexes }) {
      views.push(snapshot(indexes.byField as never));
    });
    const operator = await startOperator(cluster, { registry, namespaces: [ns] });
    try {
      await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe-1', namespace: ns } });
      await cluster.waitFor(() => views.length > 0);
      expect(views[0]).toEqual({ red: ['a', 'b'], blue: ['c'] });

      await cluster.apply(example('b', { field: 'blue' }, { namespace: ns }));
      await cluster.delete('kopfexamples', 'a', { namespace: ns });
      await cluster.waitFor(async () => {
        await cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe-1', namespace: ns, labels: { at: String(Date.now()) } } });
        return JSON.stringify(views.at(-1)) === JSON.stringify({ blue: ['b', 'c'] });
      });
      expect(operator.matching(/Indexer 'byField' succeeded/).length).toBeGreaterThanOrEqual(4);
    } finally {
      await operator.stop();
    }
  });
});
