import { describe, expect, it } from 'vitest';
import { manifestsOptions, type ManifestsFlags } from './manifests-command.ts';

const flags: ManifestsFlags = { module: [], namespace: [], name: 'kopf-operator', namespaceOfDeployment: 'default', crd: [] };

describe('manifestsOptions', () => {
  it('serves the whole cluster without -n, and names the image after the operator by default', () => {
    expect(manifestsOptions(['op.ts'], { ...flags, name: 'mine' })).toEqual({
      name: 'mine',
      namespace: 'default',
      image: 'mine:latest',
      files: ['op.ts'],
      modules: [],
      namespaces: [],
      standalone: false,
    });
  });

  it('takes the namespaces, peering, image and namespace of the Deployment as given', () => {
    const options = manifestsOptions([], { ...flags, module: ['my-op'], namespace: ['a', 'b'], peering: 'p', image: 'img:2', namespaceOfDeployment: 'ops' });
    expect(options).toMatchObject({ modules: ['my-op'], namespaces: ['a', 'b'], peering: 'p', image: 'img:2', namespace: 'ops' });
  });

  it('refuses command lines that make no sense', () => {
    expect(() => manifestsOptions([], flags)).toThrow('nothing to deploy: give operator files or -m modules');
    expect(() => manifestsOptions(['op.ts'], { ...flags, allNamespaces: true, namespace: ['a'] })).toThrow('-A/--all-namespaces and -n/--namespace cannot be used together');
    expect(() => manifestsOptions(['op.ts'], { ...flags, standalone: true, peering: 'p' })).toThrow('--standalone and -P/--peering cannot be used together');
  });
});
