import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../src/kits/testing/start-cluster.ts';
import type { TestCluster } from '../src/kits/testing/test-cluster.ts';
import { collectionPath, createAtOnce, createPaced, deleteAll, ensureNamespace, exampleCrd, installResource, kopfExamples, objectNames, plainExamples, watchResults } from './example-objects.ts';
import { connectRaw, type RawApi } from './raw-api.ts';
import { millisBetween } from './stats.ts';

describe('exampleCrd', () => {
  it('is examples/crd.yaml for KopfExample, and the same schema without the status subresource for PlainExample', () => {
    const original = exampleCrd(kopfExamples);
    const plain = exampleCrd(plainExamples);
    expect(original.metadata.name).toBe('kopfexamples.kopf.dev');
    expect(original.spec.versions[0].subresources).toEqual({ status: {} });
    expect(plain.metadata.name).toBe('plainexamples.kopf.dev');
    expect(plain.spec.names).toMatchObject({ kind: 'PlainExample', plural: 'plainexamples', singular: 'plainexample' });
    expect(plain.spec.versions[0].subresources).toBeUndefined();
    expect(plain.spec.versions[0].schema).toEqual(original.spec.versions[0].schema);
  });
});

describe('objects of a round', () => {
  let cluster: TestCluster;
  let api: RawApi;
  const namespace = 'objects-test';

  beforeAll(async () => {
    cluster = await startCluster({ backend: 'embedded' });
    api = connectRaw(cluster.kubeconfigPath);
    await ensureNamespace(api, namespace);
    await ensureNamespace(api, namespace); // a second time: it exists, which is fine
    await installResource(api, kopfExamples);
  });
  afterAll(async () => {
    await api?.close();
    await cluster?.stop();
  });

  it('are created with their name in the spec, seen when they carry a result, and deleted', async () => {
    const names = objectNames('round', 5);
    expect(names).toEqual(['round-0', 'round-1', 'round-2', 'round-3', 'round-4']);
    const results = await watchResults(api, kopfExamples, namespace, names.length, (object) => object.status?.done === true);
    const times = await createAtOnce(api, kopfExamples, namespace, names, 2);
    expect([...times.keys()].sort()).toEqual(names);
    for (const { sentAt, respondedAt } of times.values()) expect(respondedAt > sentAt).toBe(true);
    const path = collectionPath(kopfExamples, namespace);
    expect((await api.request('GET', `${path}/round-3`)).body.spec).toEqual({ field: 'round-3' });
    expect(results.addedAt.size).toBe(5);

    for (const name of names) await api.request('PATCH', `${path}/${name}/status`, { status: { done: true } }, 'application/merge-patch+json');
    const last = await results.all;
    results.stop();
    expect(results.seenAt.size).toBe(5);
    expect(last).toBe(results.seenAt.get('round-4'));

    await deleteAll(api, kopfExamples, namespace);
    expect((await api.request('GET', path)).body.items).toEqual([]);
  });

  it('are created at a steady pace when asked', async () => {
    const names = objectNames('paced', 4);
    const times = await createPaced(api, kopfExamples, namespace, names, 50);
    const sent = names.map((name) => times.get(name)!.sentAt);
    // Each create leaves on its slot of the schedule, not before (give or take the clocks' 2 ms).
    for (let i = 1; i < sent.length; i++) expect(millisBetween(sent[0], sent[i])).toBeGreaterThanOrEqual(i * 50 - 2);
    await deleteAll(api, kopfExamples, namespace);
  });
});
