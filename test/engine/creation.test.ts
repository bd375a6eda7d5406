/**
 * The engine's first promise, checked against a live API server: an object is handled once by its
 * create handler, the result lands in `status.<id>`, and the cycle costs exactly the PATCHes Kopf needs
 * (2 with a status subresource, 1 without), with Kopf's log lines.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../../src/kits/testing/start-cluster.ts';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { startOperator } from '../support/operator.ts';

const crd = readFileSync(new URL('../../examples/crd.yaml', import.meta.url), 'utf8');

function withoutStatusSubresource(text: string): string {
  return text
    .replace('kopfexamples.kopf.dev', 'plainexamples.kopf.dev')
    .replace('kind: KopfExample', 'kind: PlainExample')
    .replace('plural: kopfexamples', 'plural: plainexamples')
    .replace('singular: kopfexample', 'singular: plainexample')
    .replace(/shortNames: \[.*\]/, 'shortNames: [pex]')
    .replace(/subresources:\n\s+status: \{\}\n/, '');
}

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.apply(crd);
  await cluster.apply(withoutStatusSubresource(crd));
});
afterAll(async () => cluster?.stop());

describe('an object with a create handler', () => {
  it('is handled once, its result stored in status, in two PATCHes with a status subresource', async () => {
    const registry = new Registry();
    let calls = 0;
    registry.on.create('kopfexamples', function createFn({ spec, logger }) {
      calls++;
      logger.info(`And here we are! Creating: ${JSON.stringify(spec)}`);
      return { message: 'hello world' };
    });
    const operator = await startOperator(cluster, { registry });
    try {
      await cluster.apply({ apiVersion: 'kopf.dev/v1', kind: 'KopfExample', metadata: { name: 'one', namespace: 'default' }, spec: { field: 'value' } });
      const stored = await cluster.waitFor(async () => {
        const object = await cluster.get('kopfexamples', 'one', 'default');
        return (object?.status as { createFn?: unknown } | undefined)?.createFn ? object : undefined;
      });
      expect((stored.status as Record<string, unknown>).createFn).toEqual({ message: 'hello world' });
      const annotations = (stored.metadata as { annotations: Record<string, string> }).annotations;
      expect(JSON.parse(annotations['kopf.zalando.org/last-handled-configuration'])).toEqual({ spec: { field: 'value' } });
      await operator.waitForLine(/Something has changed, but we are not interested/);
      expect(operator.matching(/^\[default\/one\] Handler 'createFn' succeeded\.$/)).toHaveLength(1);
      expect(operator.matching(/^\[default\/one\] Creation is in progress: /)).toHaveLength(1);
      expect(operator.matching(/^\[default\/one\] Creation is processed: 1 succeeded; 0 failed\.$/)).toHaveLength(1);
      expect(operator.matching(/And here we are! Creating: \{"field":"value"\}/)).toHaveLength(1);
      expect(operator.patches().map((patch) => patch.path)).toEqual([
        '/apis/kopf.dev/v1/namespaces/default/kopfexamples/one',
        '/apis/kopf.dev/v1/namespaces/default/kopfexamples/one/status',
      ]);
      expect(calls).toBe(1);

      await cluster.delete('kopfexamples', 'one', { namespace: 'default' });
      await operator.waitForLine(/^\[default\/one\] Deleted, really deleted, and we are notified\.$/);
      expect(operator.patches()).toHaveLength(2);
    } finally {
      await operator.stop();
    }
  });

  it('costs one PATCH without a status subresource', async () => {
    const registry = new Registry();
    registry.on.create('plainexamples', function createFn() {
      return { message: 'hello world' };
    });
    const operator = await startOperator(cluster, { registry });
    try {
      await cluster.apply({ apiVersion: 'kopf.dev/v1', kind: 'PlainExample', metadata: { name: 'two', namespace: 'default' }, spec: { field: 'value' } });
      await cluster.waitFor(async () => ((await cluster.get('plainexamples', 'two', 'default'))?.status as { createFn?: unknown } | undefined)?.createFn);
      await operator.waitForLine(/Something has changed, but we are not interested/);
      expect(operator.patches().map((patch) => patch.path)).toEqual(['/apis/kopf.dev/v1/namespaces/default/plainexamples/two']);
    } finally {
      await operator.stop();
    }
  });

  it('stops gracefully with the cleanup markers', async () => {
    const operator = await startOperator(cluster, { registry: new Registry() });
    await operator.stop();
    expect(operator.matching(/Root tasks are stopped: finishing normally; tasks left: none\./)).toHaveLength(1);
  });
});
