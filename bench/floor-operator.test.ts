import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../src/kits/testing/start-cluster.ts';
import type { TestCluster } from '../src/kits/testing/test-cluster.ts';
import { startContender, type Contender } from './contender.ts';
import { collectionPath, createAtOnce, ensureNamespace, installResource, kopfExamples, objectNames, plainExamples, watchResults, type BenchResource } from './example-objects.ts';
import { plainJavaScript } from './plain-javascript.ts';
import { connectRaw, type RawApi } from './raw-api.ts';

let cluster: TestCluster;
let api: RawApi;
const namespace = 'floor-test';

beforeAll(async () => {
  cluster = await startCluster({ backend: 'embedded' });
  api = connectRaw(cluster.kubeconfigPath);
  await ensureNamespace(api, namespace);
  await installResource(api, kopfExamples);
  await installResource(api, plainExamples);
});
afterAll(async () => {
  await api?.close();
  await cluster?.stop();
});

async function startFloor(resource: BenchResource, ...flags: string[]): Promise<{ floor: Contender; started: string[] }> {
  const script = plainJavaScript(['floor-operator.ts', 'raw-api.ts']);
  const floor = startContender('floor', [process.execPath, script, `${resource.group}/${resource.version}`, resource.plural, ...flags], { KUBECONFIG: cluster.kubeconfigPath });
  const started: string[] = [];
  floor.onLine(({ text }) => {
    const match = /^started (\S+) \d+$/.exec(text);
    if (match) started.push(match[1]);
  });
  await floor.waitForLine(/^ready$/, 30_000);
  return { floor, started };
}

async function report(floor: Contender): Promise<unknown> {
  floor.send('report');
  return JSON.parse((await floor.waitForLine(/^report /)).text.slice('report '.length));
}

describe('the floor operator', () => {
  it('gives each new object the annotation and, through /status, the result of example 01: two PATCHes', async () => {
    const { floor, started } = await startFloor(kopfExamples);
    try {
      const names = objectNames('floor-a', 3);
      const results = await watchResults(api, kopfExamples, namespace, names.length, (object) => object.status?.createFn !== undefined);
      await createAtOnce(api, kopfExamples, namespace, names, 3);
      await results.all;
      results.stop();
      const object = (await api.request('GET', `${collectionPath(kopfExamples, namespace)}/floor-a-1`)).body;
      expect(object.status).toEqual({ createFn: { message: 'hello world' } });
      expect(object.metadata.annotations['kopf.zalando.org/last-handled-configuration']).toBe('{"spec":{"field":"floor-a-1"}}\n');
      expect(started.sort()).toEqual(names);
      expect(await report(floor)).toEqual({ patches: 3, statusPatches: 3 });
      // Bare Node: no loader, no esbuild service in its process tree.
      expect(floor.monitor.sample().members.map((member) => member.command)).toEqual(['node']);
    } finally {
      await floor.stop();
    }
  });

  it('sends one PATCH without a status subresource, and leaves objects that carry a result alone', async () => {
    const handled = { apiVersion: 'kopf.dev/v1', kind: 'PlainExample', metadata: { name: 'floor-done' }, spec: {}, status: { createFn: { message: 'earlier' } } };
    expect((await api.request('POST', collectionPath(plainExamples, namespace), handled)).status).toBe(201);
    const { floor, started } = await startFloor(plainExamples, '--one-patch');
    try {
      const results = await watchResults(api, plainExamples, namespace, 2, (object) => object.status?.createFn?.message === 'hello world');
      await createAtOnce(api, plainExamples, namespace, objectNames('floor-b', 2), 2);
      await results.all;
      results.stop();
      expect(started.sort()).toEqual(['floor-b-0', 'floor-b-1']);
      expect(await report(floor)).toEqual({ patches: 2, statusPatches: 0 });
    } finally {
      await floor.stop();
    }
  });
});
