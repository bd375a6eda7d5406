import { describe, expect, it } from 'vitest';
import { resourceId, type Resource } from '../core/resource-selector.ts';
import { Discovery, type DiscoveryChange } from './discovery.ts';
import { apiErrorFromBody } from './errors.ts';
import { describeRequest } from './request-subject.ts';
import type { RequestOptions, Transport } from './transport.ts';

// Discovery over a scripted transport: which discovery documents each call asks for, and what it caches.

function documents(): Record<string, unknown> {
  return {
    '/api': { versions: ['v1'] },
    '/apis': {
      groups: [
        { name: 'apps', versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } },
        { name: 'kopf.dev', versions: [{ version: 'v1' }, { version: 'v2beta1' }], preferredVersion: { version: 'v1' } },
      ],
    },
    '/apis/apps': { name: 'apps', versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } },
    '/apis/kopf.dev': { name: 'kopf.dev', versions: [{ version: 'v1' }, { version: 'v2beta1' }], preferredVersion: { version: 'v1' } },
    '/api/v1': {
      resources: [
        { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['list', 'watch'] },
        { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['list', 'watch'] },
      ],
    },
    '/apis/apps/v1': { resources: [{ name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['list'] }] },
    '/apis/kopf.dev/v1': { resources: [{ name: 'kopfexamples', singularName: 'kopfexample', namespaced: true, kind: 'KopfExample', verbs: ['list'] }] },
    '/apis/kopf.dev/v2beta1': { resources: [{ name: 'kopfexamples', singularName: 'kopfexample', namespaced: true, kind: 'KopfExample', verbs: ['list'] }] },
  };
}

/** A server of `served` documents (404 for others) that records the paths asked for; `failing` paths answer 500. */
function scripted(served = documents()) {
  const asked: string[] = [];
  const failing = new Set<string>();
  const transport: Transport = {
    request: async <T>(options: RequestOptions) => {
      asked.push(options.path);
      const context = { request: describeRequest(options.method, options.path) };
      if (failing.has(options.path)) throw apiErrorFromBody(500, 'down', context);
      if (!(options.path in served)) throw apiErrorFromBody(404, '404 page not found', context);
      return structuredClone(served[options.path]) as T;
    },
    stream: async () => {
      throw new Error('discovery does not stream');
    },
    close: async () => {},
  };
  /** The paths asked since the last call, sorted (requests run concurrently). */
  const taken = () => asked.splice(0).sort();
  return { discovery: new Discovery(transport), served, failing, taken };
}

const ids = (resources: readonly Resource[]) => resources.map(resourceId).sort();

describe('Discovery.resources', () => {
  it('scans every group without a filter, once', async () => {
    const { discovery, taken } = scripted();
    expect(ids(await discovery.resources())).toEqual(['deployments.v1.apps', 'kopfexamples.v1.kopf.dev', 'kopfexamples.v2beta1.kopf.dev', 'namespaces.v1', 'pods.v1']);
    expect(taken()).toEqual(['/api', '/api/v1', '/apis', '/apis/apps/v1', '/apis/kopf.dev/v1', '/apis/kopf.dev/v2beta1']);
    await discovery.resources();
    expect(taken()).toEqual([]);
  });

  it('scans only the groups asked for, the core group being the empty name', async () => {
    const { discovery, taken } = scripted();
    expect(ids(await discovery.resources(new Set(['kopf.dev'])))).toEqual(['kopfexamples.v1.kopf.dev', 'kopfexamples.v2beta1.kopf.dev']);
    expect(taken()).toEqual(['/apis/kopf.dev', '/apis/kopf.dev/v1', '/apis/kopf.dev/v2beta1']);
    expect(ids(await discovery.resources(new Set(['', 'kopf.dev'])))).toEqual(['kopfexamples.v1.kopf.dev', 'kopfexamples.v2beta1.kopf.dev', 'namespaces.v1', 'pods.v1']);
    expect(taken()).toEqual(['/api', '/api/v1']);
    expect(ids(await discovery.resources(new Set([''])))).toEqual(['namespaces.v1', 'pods.v1']);
    expect(taken()).toEqual([]);
  });

  it('answers filtered calls from a full scan, and a full call after filtered ones with one full scan', async () => {
    const { discovery, taken } = scripted();
    await discovery.resources(new Set(['apps']));
    taken();
    expect(ids(await discovery.resources())).toHaveLength(5);
    expect(taken()).toEqual(['/api', '/api/v1', '/apis', '/apis/apps/v1', '/apis/kopf.dev/v1', '/apis/kopf.dev/v2beta1']);
    expect(ids(await discovery.resources(new Set(['apps', 'kopf.dev'])))).toEqual(['deployments.v1.apps', 'kopfexamples.v1.kopf.dev', 'kopfexamples.v2beta1.kopf.dev']);
    expect(taken()).toEqual([]);
  });

  it('remembers a group nobody serves as empty', async () => {
    const { discovery, taken } = scripted();
    expect(await discovery.resources(new Set(['late.example.com']))).toEqual([]);
    expect(taken()).toEqual(['/apis/late.example.com']);
    expect(await discovery.resources(new Set(['late.example.com']))).toEqual([]);
    expect(taken()).toEqual([]);
  });

  it('scans once for concurrent calls', async () => {
    const { discovery, taken } = scripted();
    await Promise.all([discovery.resources(new Set(['apps'])), discovery.resources(new Set(['apps'])), discovery.resources(new Set(['apps']))]);
    expect(taken()).toEqual(['/apis/apps', '/apis/apps/v1']);
  });

  it('keeps what it knew when a scan fails, and scans the failed groups again next time', async () => {
    const { discovery, failing, taken } = scripted();
    await discovery.resources(new Set(['apps']));
    failing.add('/apis/kopf.dev/v1');
    await expect(discovery.resources(new Set(['apps', 'kopf.dev']))).rejects.toThrow(/500/);
    taken();
    expect(ids(await discovery.resources(new Set(['apps'])))).toEqual(['deployments.v1.apps']);
    expect(taken()).toEqual([]);
    failing.clear();
    expect(ids(await discovery.resources(new Set(['apps', 'kopf.dev'])))).toHaveLength(3);
    expect(taken()).toEqual(['/apis/kopf.dev', '/apis/kopf.dev/v1', '/apis/kopf.dev/v2beta1']);
  });
});

describe('Discovery.refresh', () => {
  it('after filtered scans, rescans only the groups scanned, and tells what changed', async () => {
    const { discovery, served, taken } = scripted();
    await discovery.resources(new Set(['kopf.dev']));
    taken();
    const changes: DiscoveryChange[] = [];
    discovery.onChange((change) => changes.push(change));
    served['/apis/kopf.dev'] = { name: 'kopf.dev', versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } };
    expect(ids(await discovery.refresh())).toEqual(['kopfexamples.v1.kopf.dev']);
    expect(taken()).toEqual(['/apis/kopf.dev', '/apis/kopf.dev/v1']);
    expect(changes.map((c) => ({ added: ids(c.added), removed: ids(c.removed), changed: ids(c.changed) }))).toEqual([
      { added: [], removed: ['kopfexamples.v2beta1.kopf.dev'], changed: [] },
    ]);
  });

  it('scans a group for the first time and adds it to what is known', async () => {
    const { discovery, served, taken } = scripted();
    await discovery.resources(new Set(['apps']));
    taken();
    served['/apis/late.example.com'] = { name: 'late.example.com', versions: [{ version: 'v1' }] };
    served['/apis/late.example.com/v1'] = { resources: [{ name: 'gadgets', singularName: 'gadget', namespaced: false, kind: 'Gadget' }] };
    const added: string[] = [];
    discovery.onChange((change) => added.push(...ids(change.added)));
    expect(ids(await discovery.refresh('late.example.com'))).toEqual(['deployments.v1.apps', 'gadgets.v1.late.example.com']);
    expect(taken()).toEqual(['/apis/late.example.com', '/apis/late.example.com/v1']);
    expect(added).toEqual(['gadgets.v1.late.example.com']);
    expect(ids(await discovery.resources(new Set(['late.example.com'])))).toEqual(['gadgets.v1.late.example.com']);
    expect(taken()).toEqual([]);
  });

  it('rescans the core group by its empty name', async () => {
    const { discovery, taken } = scripted();
    await discovery.resources();
    taken();
    await discovery.refresh('');
    expect(taken()).toEqual(['/api', '/api/v1']);
  });
});

describe('Discovery.forKind', () => {
  it('scans only the group of the kind', async () => {
    const { discovery, taken } = scripted();
    expect(resourceId(await discovery.forKind('apps/v1', 'Deployment'))).toBe('deployments.v1.apps');
    expect(resourceId(await discovery.forKind('v1', 'Pod'))).toBe('pods.v1');
    expect(taken()).toEqual(['/api', '/api/v1', '/apis/apps', '/apis/apps/v1']);
  });
});
