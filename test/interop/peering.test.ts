/**
 * Peering across frameworks: Kopf and kopf-ts, of the same priority and in the same namespace, see each
 * other's records in the KopfPeering object and both pause; when Kopf leaves (removing its record),
 * kopf-ts resumes and handles the objects.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKopf } from '../../src/kits/testing/real-kopf.ts';
import type { TestCluster } from '../../src/kits/testing/test-cluster.ts';
import { Registry } from '../../src/registry/registry.ts';
import { Settings } from '../../src/registry/settings.ts';
import { startExampleCluster } from '../support/engine-cluster.ts';
import { startOperator } from '../support/operator.ts';
import { createNamespace, describeWithKopf, exampleIn, operatorFile, stepTimeoutMs } from './support.ts';

const peeringCrds = readFileSync(new URL('../../examples/peering.yaml', import.meta.url), 'utf8');

describeWithKopf('peering with Kopf', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startExampleCluster();
    await cluster.apply(peeringCrds);
  });
  afterAll(async () => cluster?.stop());

  it('pauses both at the same priority, and kopf-ts resumes when Kopf leaves', async () => {
    const namespace = await createNamespace(cluster, 'peering-with-kopf');
    await cluster.apply({ apiVersion: 'kopf.dev/v1', kind: 'KopfPeering', metadata: { name: 'default', namespace } });
    const kopf = startKopf({ cluster, file: operatorFile('diff_base.py'), args: ['--namespace', namespace] });
    const handled: string[] = [];
    const registry = new Registry();
    registry.on.create('kopfexamples', { id: 'create' }, ({ name }) => {
      handled.push(name as string);
    });
    try {
      await kopf.waitForLine(/Keep-alive in 'default' in 'peering-with-kopf': ok\./, stepTimeoutMs);
      const kopfTs = await startOperator(cluster, { registry, namespaces: [namespace], settings: Settings({ peering: { lifetime: 10 } }) });
      try {
        await kopfTs.waitForLine(/^Pausing all operators, including self: /, stepTimeoutMs);
        await kopf.waitForLine(/Pausing all operators, including self/, stepTimeoutMs);
        const status = (await cluster.get('kopfpeerings', 'default', namespace))?.status as Record<string, { priority: number; lifetime: number; lastseen: string }>;
        expect(Object.keys(status)).toHaveLength(2);
        for (const record of Object.values(status)) expect(record).toMatchObject({ priority: 0, lifetime: expect.any(Number), lastseen: expect.any(String) });

        await cluster.apply(exampleIn(namespace, 'after-kopf'));
        await kopf.stop();
        await kopfTs.waitForLine(/^Resuming operations after the pause\./, stepTimeoutMs);
        await cluster.waitFor(() => handled.includes('after-kopf'), { timeout: stepTimeoutMs });
      } finally {
        await kopfTs.stop();
      }
    } finally {
      await kopf.stop();
    }
  });
});
