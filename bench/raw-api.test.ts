import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../src/kits/testing/start-cluster.ts';
import type { TestCluster } from '../src/kits/testing/test-cluster.ts';
import { connectRaw, listAndWatch, type RawApi, type RawWatchEvent } from './raw-api.ts';

let cluster: TestCluster;
let api: RawApi;

beforeAll(async () => {
  cluster = await startCluster({ backend: 'embedded' });
  api = connectRaw(cluster.kubeconfigPath);
});
afterAll(async () => {
  await api?.close();
  await cluster?.stop();
});

const configmaps = '/api/v1/namespaces/default/configmaps';

function configMap(name: string) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { key: name } };
}

async function until(check: () => boolean): Promise<void> {
  await cluster.waitFor(() => check() || undefined, { timeout: 5000 });
}

describe('connectRaw', () => {
  it('authenticates with the kubeconfig token and trusts its CA', async () => {
    const created = await api.request('POST', configmaps, configMap('raw-one'));
    expect(created.status).toBe(201);
    const patched = await api.request('PATCH', `${configmaps}/raw-one`, { data: { key: 'patched' } }, 'application/merge-patch+json');
    expect(patched.body.data).toEqual({ key: 'patched' });
  });

  it('keeps a body that is not JSON as text', async () => {
    expect(await api.request('GET', '/healthz')).toEqual({ status: 200, body: 'ok' });
    expect(await api.text('/healthz')).toBe('ok');
  });

  it('watches from a resourceVersion, in order', async () => {
    const from = (await api.request('GET', `${configmaps}?limit=1`)).body.metadata.resourceVersion;
    const events: RawWatchEvent[] = [];
    const watch = await api.watch(configmaps, from, (event) => events.push(event));
    await api.request('POST', configmaps, configMap('raw-two'));
    await api.request('DELETE', `${configmaps}/raw-two`);
    await until(() => events.length >= 2);
    watch.stop();
    await watch.ended;
    expect(events.map((event) => [event.type, event.object.metadata.name])).toEqual([
      ['ADDED', 'raw-two'],
      ['DELETED', 'raw-two'],
    ]);
  });
});

describe('listAndWatch', () => {
  it('lists first, then resumes a watch the server cuts, and lists again after 410 Gone', async () => {
    await api.request('POST', configmaps, configMap('listed'));
    const seen: string[] = [];
    const resumed: string[] = [];
    const informer = await listAndWatch(
      api,
      configmaps,
      (event) => event.object.metadata.name.startsWith('raw-') || seen.push(`${event.type} ${event.object.metadata.name}`),
      (reason) => resumed.push(reason),
    );
    expect(seen).toContain('LISTED listed');

    cluster.faults!.cutWatches();
    await until(() => resumed.length === 1);
    await api.request('POST', configmaps, configMap('after-cut'));
    await until(() => seen.includes('ADDED after-cut'));

    cluster.faults!.set({ expireNextWatches: 1 });
    cluster.faults!.cutWatches();
    await until(() => resumed.length === 3);
    await api.request('POST', configmaps, configMap('after-expiry'));
    await until(() => seen.includes('ADDED after-expiry'));
    informer.stop();

    expect(resumed).toEqual(['the server ended the watch', 'the server ended the watch', 'its resourceVersion expired: listed again']);
    // The second list delivers every object again, as a list does.
    expect(seen.filter((line) => line === 'LISTED listed')).toHaveLength(2);
    expect(seen).toContain('LISTED after-cut');
  });
});
