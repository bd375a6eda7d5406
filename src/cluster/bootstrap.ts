import type { ObjectApi } from './objects.ts';
import type { KubeObject } from './resource-type.ts';
import type { ClusterState } from './state.ts';

/** The node every embedded cluster has: pods are scheduled to it (apiserver-spec §11). */
export const nodeName = 'kopf-ts-node';

/**
 * What a fresh cluster contains (apiserver-spec §10): the four standard
 * namespaces, the `kubernetes` Service in `default`, and one Ready node.
 */
export function bootstrapObjects(objects: ObjectApi, state: ClusterState): void {
  const find = (group: string, plural: string) => state.registry.find(group, 'v1', plural)!;
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    objects.create(find('', 'namespaces'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { internal: true });
  }
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], type: 'ClusterIP' },
  };
  objects.create(find('', 'services'), 'default', service, { internal: true });
  const now = state.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const node: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: nodeName,
      labels: {
        'kubernetes.io/hostname': nodeName,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/control-plane': '',
      },
    },
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
  };
  const status = {
      capacity: { cpu: '2', memory: '24Gi', pods: '110' },
      allocatable: { cpu: '2', memory: '24Gi', pods: '110' },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now },
      ],
      addresses: [
        { type: 'InternalIP', address: '10.0.0.2' },
        { type: 'Hostname', address: nodeName },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.32.0-kopf-ts',
        kubeProxyVersion: 'v1.32.0-kopf-ts',
        osImage: 'kopf-ts embedded node',
        kernelVersion: 'simulated',
        containerRuntimeVersion: 'simulated://1.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
        machineID: '', systemUUID: '', bootID: '',
      },
  };
  const created = objects.create(find('', 'nodes'), undefined, node, { internal: true }).object;
  // Status goes through its subresource, as a kubelet writes it.
  objects.update(find('', 'nodes'), undefined, nodeName, { ...created, status }, { internal: true }, { fromPatch: true, subresource: 'status' });
}
