import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type KubeObject, type TestCluster } from '../../src/testing.ts';
import { apiOf, createNamespace, type Api } from './support.ts';

const ns = 'gc';
const cms = `/api/v1/namespaces/${ns}/configmaps`;
const hold = 'example.com/hold';

/** An owner reference to a ConfigMap. */
const ownedBy = (owner: KubeObject, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata!.name, uid: owner.metadata!.uid, ...extra });

describe('garbage collection', () => {
  let cluster: TestCluster;
  let api: Api;

  const configMap = async (name: string, metadata: Record<string, unknown> = {}): Promise<KubeObject> => {
    const response = await api.post(cms, { metadata: { name, ...metadata } });
    expect(response.status, response.text).toBe(201);
    return response.body;
  };
  const gone = (name: string) =>
    cluster.waitFor(async () => (await api.get(`${cms}/${name}`)).status === 404, { description: `${name} to be deleted`, timeout: 30_000 });
  const current = async (name: string) => (await api.get(`${cms}/${name}`)).body;

  beforeAll(async () => {
    cluster = await startCluster();
    api = apiOf(cluster);
    await createNamespace(cluster, ns);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('deletes dependents in the background once all their owners are gone, matching owners by uid', async () => {
    const owner = await configMap('bg-owner');
    const other = await configMap('bg-other');
    await configMap('bg-only', { ownerReferences: [ownedBy(owner)] });
    await configMap('bg-shared', { ownerReferences: [ownedBy(owner), ownedBy(other)] });
    const deleted = await api.del(`${cms}/bg-owner`, { propagationPolicy: 'Background' });
    expect(deleted.body).toMatchObject({ kind: 'Status', status: 'Success' });
    await gone('bg-only');
    // A dependent with a live owner left only loses the reference to the dead one.
    await cluster.waitFor(async () => (await current('bg-shared')).metadata.ownerReferences?.length === 1, { description: 'the dangling reference to be removed', timeout: 30_000 });
    expect((await current('bg-shared')).metadata.ownerReferences).toEqual([ownedBy(other)]);

    // An owner recreated under the same name is another owner: the dependent of the old one goes.
    const stale = await configMap('bg-stale-owner');
    await configMap('bg-stale', { ownerReferences: [ownedBy(stale)] });
    await api.del(`${cms}/bg-stale-owner`);
    await configMap('bg-stale-owner');
    await gone('bg-stale');
  });

  it('deletes in the foreground: the owner waits, visible, until blocking dependents are gone', async () => {
    const owner = await configMap('fg-owner');
    await configMap('fg-blocking', { finalizers: [hold], ownerReferences: [ownedBy(owner, { blockOwnerDeletion: true })] });
    await configMap('fg-free', { ownerReferences: [ownedBy(owner)] });
    const deleting = await api.del(`${cms}/fg-owner`, { propagationPolicy: 'Foreground' });
    expect(deleting.status).toBe(200);
    expect(deleting.body.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(deleting.body.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(deleting.body.metadata.deletionGracePeriodSeconds).toBe(0);
    await gone('fg-free');
    await cluster.waitFor(async () => (await current('fg-blocking')).metadata.deletionTimestamp, { description: 'the blocking dependent to be deleting', timeout: 30_000 });
    expect((await current('fg-owner')).metadata.finalizers).toEqual(['foregroundDeletion']);
    await api.patch(`${cms}/fg-blocking`, { metadata: { finalizers: null } });
    await gone('fg-blocking');
    await gone('fg-owner');
  });

  it('orphans dependents: their references to the owner go, they stay', async () => {
    const owner = await configMap('or-owner');
    await configMap('or-dependent', { ownerReferences: [ownedBy(owner)] });
    const deleting = await api.del(`${cms}/or-owner`, { propagationPolicy: 'Orphan' });
    expect(deleting.body.metadata.finalizers).toEqual(['orphan']);
    await gone('or-owner');
    const dependent = await current('or-dependent');
    expect(dependent.metadata.ownerReferences).toBeUndefined();
    expect(dependent.metadata.deletionTimestamp).toBeUndefined();
  });

  it('orphans by default for Jobs, and deletes in the background for other kinds', async () => {
    const job = await api.post(`/apis/batch/v1/namespaces/${ns}/jobs`, {
      metadata: { name: 'job' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    expect(job.status).toBe(201);
    await configMap('job-dependent', { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'job', uid: job.body.metadata.uid }] });
    const deleting = await api.del(`/apis/batch/v1/namespaces/${ns}/jobs/job`);
    expect(deleting.status).toBe(200);
    expect(deleting.body.metadata.finalizers).toEqual(['orphan']);
    await cluster.waitFor(async () => (await api.get(`/apis/batch/v1/namespaces/${ns}/jobs/job`)).status === 404, { description: 'the job to go', timeout: 30_000 });
    expect((await current('job-dependent')).metadata.ownerReferences).toBeUndefined();

    const owner = await configMap('default-owner');
    await configMap('default-dependent', { ownerReferences: [ownedBy(owner)] });
    await api.del(`${cms}/default-owner`);
    await gone('default-dependent');
  });
});
