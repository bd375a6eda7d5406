import { stringify } from 'yaml';

/**
 * The kubeconfig of an embedded cluster: one cluster, user and context, all
 * named `kopf-ts`. Over HTTPS it carries the CA and the bearer token; over
 * plain HTTP an empty user (kubectl sends no credentials over HTTP anyway).
 */
export function kubeconfigYaml(options: { url: string; token?: string; caPem?: string; namespace?: string }): string {
  const cluster: Record<string, string> = { server: options.url };
  if (options.caPem) cluster['certificate-authority-data'] = Buffer.from(options.caPem).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kopf-ts', cluster }],
    users: [{ name: 'kopf-ts', user: options.token ? { token: options.token } : {} }],
    contexts: [{ name: 'kopf-ts', context: { cluster: 'kopf-ts', user: 'kopf-ts', namespace: options.namespace ?? 'default' } }],
    'current-context': 'kopf-ts',
    preferences: {},
  });
}
