import { stringify } from 'yaml';

/** The name of the cluster, the user and the context in the kubeconfigs of a real control plane. */
export const kubeconfigName = 'kopf-ts';

/**
 * A kubeconfig (YAML text) for an API server at `url`, trusting `caPem` and authenticating with a bearer
 * `token`; its cluster, user and context are all named "kopf-ts", and that context is the current one.
 */
export function tokenKubeconfig(url: string, caPem: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: kubeconfigName,
        cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
      },
    ],
    users: [{ name: kubeconfigName, user: { token } }],
    contexts: [{ name: kubeconfigName, context: { cluster: kubeconfigName, user: kubeconfigName } }],
    'current-context': kubeconfigName,
  });
}
