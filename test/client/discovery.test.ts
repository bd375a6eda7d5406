import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Api } from '../../src/client/api.ts';
import type { DiscoveryChange } from '../../src/client/discovery.ts';
import { AmbiguousResourceError, EVERYTHING, UnknownResourceError, resourceId, type Resource } from '../../src/core/resource-selector.ts';
import { startCluster, type TestCluster } from '../../src/testing.ts';

// Discovery and Kopf's selectors against what the server of this run serves.

function crd(group: string, plural: string, kind: string, extra: { shortNames?: string[]; categories?: string[]; versions?: string[]; scope?: string } = {}): string {
  const versions = extra.versions ?? ['v1'];
  return `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: ${plural}.${group} }
spec:
  group: ${group}
  scope: ${extra.scope ?? 'Namespaced'}
  names: { plural: ${plural}, singular: ${kind.toLowerCase()}, kind: ${kind}, shortNames: ${JSON.stringify(extra.shortNames ?? [])}, categories: ${JSON.stringify(extra.categories ?? [])} }
  versions:
${versions
  .map(
    (v, i) => `    - name: ${v}
      served: true
      storage: ${i === 0}
      subresources: { status: {} }
      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }`,
  )
  .join('\n')}
`;
}

let cluster: TestCluster;
let api: Api;

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.apply(crd('kopf.dev', 'kopfexamples', 'KopfExample', { shortNames: ['kex', 'kexes'], categories: ['kopf-test'], versions: ['v1', 'v2beta1'] }));
  await cluster.apply(crd('a.example.com', 'widgets', 'Widget'));
  await cluster.apply(crd('b.example.com', 'widgets', 'Widget'));
  api = await connect({ kubeconfig: cluster.kubeconfigPath });
});

afterAll(async () => {
  await api?.close();
  await cluster?.stop();
});

async function resolved(...selector: Parameters<Api['discovery']['resolve']>): Promise<string> {
  return resourceId(await api.discovery.resolve(...selector));
}

describe('discovery', () => {
  it('lists built-in and custom resources with their names, scope, verbs and subresources', async () => {
    const all = await api.discovery.resources();
    const find = (id: string) => all.find((r) => resourceId(r) === id);
    expect(find('pods.v1')).toMatchObject({ kind: 'Pod', singular: 'pod', namespaced: true, preferred: true, shortNames: ['po'] });
    expect(find('pods.v1')!.subresources).toEqual(expect.arrayContaining(['status', 'log']));
    expect(find('namespaces.v1')).toMatchObject({ namespaced: false });
    expect(find('deployments.v1.apps')!.subresources).toEqual(expect.arrayContaining(['scale', 'status']));
    expect(find('deployments.v1.apps')!.verbs).toEqual(expect.arrayContaining(['list', 'watch', 'patch']));
    expect(find('kopfexamples.v1.kopf.dev')).toMatchObject({ kind: 'KopfExample', preferred: true, categories: ['kopf-test'], subresources: ['status'] });
    expect(find('kopfexamples.v2beta1.kopf.dev')).toMatchObject({ preferred: false });
  });

  it('notices a CRD created after start, and one deleted', async () => {
    const changes: DiscoveryChange[] = [];
    const stop = api.discovery.onChange((change) => changes.push(change));
    await cluster.apply(crd('late.example.com', 'gadgets', 'Gadget', { scope: 'Cluster' }));
    // A real server may take a moment to serve a new group: refresh until it does.
    await cluster.waitFor(async () => (await api.discovery.refresh('late.example.com')).some((r) => r.plural === 'gadgets'), { description: 'gadgets in discovery' });
    expect(changes.flatMap((c) => c.added.map(resourceId))).toEqual(['gadgets.v1.late.example.com']);
    expect(await resolved('gadgets')).toBe('gadgets.v1.late.example.com');

    await cluster.delete('customresourcedefinitions', 'gadgets.late.example.com');
    await cluster.waitFor(async () => !(await api.discovery.refresh()).some((r) => r.plural === 'gadgets'), { description: 'gadgets gone from discovery', timeout: 30_000 });
    expect(changes.flatMap((c) => c.removed.map(resourceId))).toEqual(['gadgets.v1.late.example.com']);
    await expect(api.discovery.resolve('gadgets')).rejects.toThrow(UnknownResourceError);
    stop();
  });

  it('scans only the groups asked for, and finds a CRD of such a group created later', async () => {
    const fresh = await connect({ kubeconfig: cluster.kubeconfigPath });
    try {
      const groups = new Set(['', 'kopf.dev', 'filtered.example.com']);
      const found = await fresh.discovery.resources(groups);
      expect(new Set(found.map((r) => r.group))).toEqual(new Set(['', 'kopf.dev']));
      expect(found.map(resourceId)).toEqual(expect.arrayContaining(['pods.v1', 'kopfexamples.v1.kopf.dev', 'kopfexamples.v2beta1.kopf.dev']));
      await cluster.apply(crd('filtered.example.com', 'cogs', 'Cog'));
      await cluster.waitFor(async () => (await fresh.discovery.refresh('filtered.example.com')).some((r) => r.plural === 'cogs'), { description: 'cogs in discovery' });
      expect((await fresh.discovery.resources(groups)).map(resourceId)).toContain('cogs.v1.filtered.example.com');
      expect((await fresh.discovery.resources(new Set(['apps']))).map(resourceId)).toContain('deployments.v1.apps');
    } finally {
      await fresh.close();
      await cluster.delete('customresourcedefinitions', 'cogs.filtered.example.com');
    }
  });

  it('resolves a kind that appeared since the last scan by refreshing once', async () => {
    await api.discovery.resources();
    await cluster.apply(crd('fresh.example.com', 'sprockets', 'Sprocket'));
    await cluster.waitFor(async () => (await resolved('sprockets').catch(() => undefined)) === 'sprockets.v1.fresh.example.com', { description: 'sprockets resolved' });
  });
});

describe('selectors against the server', () => {
  it('resolve every form of a name', async () => {
    expect(await resolved('kopfexamples')).toBe('kopfexamples.v1.kopf.dev');
    expect(await resolved('KopfExample')).toBe('kopfexamples.v1.kopf.dev');
    expect(await resolved('kopfexample')).toBe('kopfexamples.v1.kopf.dev');
    expect(await resolved('kex')).toBe('kopfexamples.v1.kopf.dev');
    expect(await resolved('kopfexamples.kopf.dev')).toBe('kopfexamples.v1.kopf.dev');
    expect(await resolved('kopfexamples.v2beta1.kopf.dev')).toBe('kopfexamples.v2beta1.kopf.dev');
    expect(await resolved('kopf.dev/v2beta1', 'kopfexamples')).toBe('kopfexamples.v2beta1.kopf.dev');
    expect(await resolved('kopf.dev', 'v1', 'kopfexamples')).toBe('kopfexamples.v1.kopf.dev');
    expect(await resolved('v1', 'pods')).toBe('pods.v1');
    expect(await resolved('', 'v1', 'pods')).toBe('pods.v1');
    expect(await resolved('apps', 'deployments')).toBe('deployments.v1.apps');
    expect(await resolved('deploy')).toBe('deployments.v1.apps');
    expect(await resolved({ kind: 'Deployment', group: 'apps' })).toBe('deployments.v1.apps');
    expect(await resolved({ shortcut: 'kexes' })).toBe('kopfexamples.v1.kopf.dev');
  });

  it('select by category, EVERYTHING and predicate', async () => {
    expect((await api.discovery.select({ category: 'kopf-test' })).map(resourceId)).toEqual(['kopfexamples.v1.kopf.dev']);
    const everything = (await api.discovery.select(EVERYTHING)).map(resourceId);
    expect(everything).toEqual(expect.arrayContaining(['pods.v1', 'deployments.v1.apps', 'kopfexamples.v1.kopf.dev']));
    expect(everything).not.toContain('events.v1');
    expect(everything).not.toContain('events.v1.events.k8s.io');
    expect(everything).not.toContain('kopfexamples.v2beta1.kopf.dev');
    const inGroup = (await api.discovery.select('kopf.dev', EVERYTHING)).map(resourceId);
    expect(inGroup).toEqual(['kopfexamples.v1.kopf.dev']);
    const predicate = (r: Resource) => r.group === 'kopf.dev';
    expect((await api.discovery.select(predicate)).map(resourceId).sort()).toEqual(['kopfexamples.v1.kopf.dev', 'kopfexamples.v2beta1.kopf.dev']);
  });

  it('say which resources an ambiguous name could mean', async () => {
    const error = await api.discovery.resolve('widgets').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousResourceError);
    expect((error as Error).message).toBe(
      '"widgets" is ambiguous: it matches widgets.v1.a.example.com, widgets.v1.b.example.com; name one with its group, e.g. "widgets.a.example.com"',
    );
    expect(await resolved('widgets.b.example.com')).toBe('widgets.v1.b.example.com');
  });

  it('suggest what an unknown name probably meant', async () => {
    await expect(api.discovery.resolve('widgetz')).rejects.toThrow('no resource matches "widgetz"; did you mean widgets.v1.a.example.com, widgets.v1.b.example.com?');
    await expect(api.discovery.resolve('Deployments')).rejects.toThrow('no resource matches "Deployments"; did you mean deployments.v1.apps?');
    await expect(api.discovery.resolve('nothing-like-it')).rejects.toThrow(/^no resource matches "nothing-like-it"$/);
  });
});
