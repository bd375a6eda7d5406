import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubeconfigYaml } from './kubeconfig.ts';

describe('kubeconfigYaml', () => {
  it('carries the CA and the token over HTTPS, all names kopf-ts', () => {
    const config = parse(kubeconfigYaml({ url: 'https://127.0.0.1:6443', token: 't0k', caPem: 'PEM' }));
    expect(config['current-context']).toBe('kopf-ts');
    expect(config.clusters[0]).toEqual({ name: 'kopf-ts', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from('PEM').toString('base64') } });
    expect(config.users[0]).toEqual({ name: 'kopf-ts', user: { token: 't0k' } });
    expect(config.contexts[0].context).toEqual({ cluster: 'kopf-ts', user: 'kopf-ts', namespace: 'default' });
  });

  it('has an empty user over plain HTTP', () => {
    const config = parse(kubeconfigYaml({ url: 'http://127.0.0.1:8080' }));
    expect(config.users[0].user).toEqual({});
    expect(config.clusters[0].cluster['certificate-authority-data']).toBeUndefined();
  });
});
