import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../src/kits/testing/start-cluster.ts';
import type { TestCluster } from '../src/kits/testing/test-cluster.ts';
import { startContender } from './contender.ts';
import { collectionPath, createAtOnce, ensureNamespace, installResource, kopfExamples, objectNames, watchResults } from './example-objects.ts';
import { connectRaw, type RawApi } from './raw-api.ts';

let cluster: TestCluster;
let api: RawApi;
const namespace = 'engine-test';

beforeAll(async () => {
  cluster = await startCluster({ backend: 'embedded' });
  api = connectRaw(cluster.kubeconfigPath);
  await ensureNamespace(api, namespace);
  await installResource(api, kopfExamples);
});
afterAll(async () => {
  await api?.close();
  await cluster?.stop();
});

describe('the engine operator of the benchmark', () => {
  it('runs example 01 in operator(), announces each handler start, and counts its PATCHes', async () => {
    const operator = startContender('kopf-ts', [process.execPath, '--import', 'tsx', 'bench/engine-operator.ts', 'kopfexamples'], { KUBECONFIG: cluster.kubeconfigPath });
    try {
      const started: Array<[string, bigint]> = [];
      operator.onLine(({ text }) => {
        const match = /^started (\S+) (\d+)$/.exec(text);
        if (match) started.push([match[1], BigInt(match[2])]);
      });
      await operator.waitForLine(/^ready$/, 60_000);
      const names = objectNames('engine', 2);
      const results = await watchResults(api, kopfExamples, namespace, 2, (object) => object.status?.createFn !== undefined);
      const created = await createAtOnce(api, kopfExamples, namespace, names, 2);
      await results.all;
      results.stop();
      expect((await api.request('GET', `${collectionPath(kopfExamples, namespace)}/engine-0`)).body.status).toEqual({ createFn: { message: 'hello world' } });
      expect(started.map(([name]) => name).sort()).toEqual(names);
      // The handler's clock is the system's monotonic clock, as this process's: it starts after the create was sent.
      for (const [name, at] of started) expect(at > created.get(name)!.sentAt).toBe(true);
      operator.send('report');
      const report = JSON.parse((await operator.waitForLine(/^report /)).text.slice('report '.length));
      expect(report).toMatchObject({ patches: 2, statusPatches: 2 });
      expect(report.byMethod.PATCH).toBe(4);
    } finally {
      await operator.stop();
    }
  }, 90_000);
});
