/**
 * What an operator serves: the namespaces its patterns match (also those created later, not those
 * excluded or deleted), resources whose CRDs appear after it started, and a clear warning for
 * selectors that name nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { startCluster } from '../../src/kits/testing/start-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { example, exampleCrd } from '../support/engine-cluster.ts';
import { startOperator } from '../support/operator.ts';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(async () => cluster?.stop());

function namespace(name: string) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

describe('served scopes', () => {
  it('serve a CRD created after the operator started, and warn until then', async () => {
    const registry = new Registry();
    const created: string[] = [];
    registry.on.create('kopfexamples', function createFn({ name }) {
      created.push(name as string);
    });
    const operator = await startOperator(cluster, { registry });
    try {
      await operator.waitForLine(/^Unresolved resources cannot be served \(try creating their CRDs\): .*kopfexamples/);
      await cluster.apply(exampleCrd);
      await cluster.apply(example('late'));
      await cluster.waitFor(() => created.includes('late'));
    } finally {
      await operator.stop();
    }
  });

  it('serve the namespaces matching the patterns, including those created later', async () => {
    await cluster.apply(exampleCrd);
    await cluster.apply([namespace('team-a'), namespace('team-b'), namespace('other')]);
    const registry = new Registry();
    const created: string[] = [];
    registry.on.create('kopfexamples', function createFn({ namespace: ns, name }) {
      created.push(`${ns}/${name}`);
    });
    const operator = await startOperator(cluster, { registry, namespaces: ['team-*,!team-b'] });
    try {
      for (const ns of ['team-a', 'team-b', 'other']) await cluster.apply({ ...example('x'), metadata: { name: 'x', namespace: ns } });
      await cluster.waitFor(() => created.includes('team-a/x'));
      await cluster.apply(namespace('team-c'));
      await cluster.apply({ ...example('y'), metadata: { name: 'y', namespace: 'team-c' } });
      await cluster.waitFor(() => created.includes('team-c/y'));
      expect(created.sort()).toEqual(['team-a/x', 'team-c/y']);
    } finally {
      await operator.stop();
    }
  });
});
