/**
 * Hierarchies on a live cluster: a child adopted in a create handler is accepted by the API server as
 * it is (generated name, namespace, owner reference, labels), and garbage-collected with its parent.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as kopf from '../../src/index.ts';
import { OperatorRunner } from '../../src/testing.ts';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { createNamespace, example, startExampleCluster } from '../support/engine-cluster.ts';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startExampleCluster();
});

afterAll(async () => {
  await cluster?.stop();
});

it('adopts a pod created in a create handler, which goes away with its parent', async () => {
  const ns = await createNamespace(cluster, 'hierarchies');
  const registry = new kopf.Registry();
  registry.on.create('kopfexamples', async function createChild({ api, logger }) {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'sleeper', image: 'busybox', command: ['sleep', '3600'] }] },
    };
    kopf.adopt(pod);
    const created = await api.create(pod);
    logger.info(`Created pod ${created.metadata?.name}.`);
    return { pod: created.metadata?.name };
  });
  await using runner = new OperatorRunner({ registry, cluster, args: { namespaces: [ns] } });
  await runner.start();
  await cluster.apply(example('parent', { field: 'value' }, { namespace: ns, labels: { app: 'demo' } }));
  await runner.waitForLine(/Handler 'createChild' succeeded/);

  const [parent] = await cluster.list('kopfexamples', { namespace: ns });
  const pods = await cluster.list('pods', { namespace: ns });
  expect(pods).toHaveLength(1);
  const metadata = pods[0].metadata as Record<string, any>;
  expect(metadata.name).toMatch(/^parent-[a-z0-9]{5}$/);
  expect(metadata.labels).toEqual({ app: 'demo' });
  expect(metadata.ownerReferences).toEqual([
    { apiVersion: 'kopf.dev/v1', kind: 'KopfExample', name: 'parent', uid: parent.metadata!.uid, controller: true, blockOwnerDeletion: true },
  ]);

  await cluster.delete('kopfexamples', 'parent', { namespace: ns });
  await cluster.waitFor(async () => (await cluster.list('pods', { namespace: ns })).length === 0, {
    description: 'the adopted pod garbage-collected',
    // kube-controller-manager's garbage collector works from its informers: seconds on a busy machine.
    timeout: 60_000,
  });
}, 90_000);
