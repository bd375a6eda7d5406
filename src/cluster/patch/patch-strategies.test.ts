import { describe, expect, it } from 'vitest';
import { patchRulesOf, type KindRef, type ListMergeRule, type PatchRules } from './patch-strategies.ts';

/** The list rule at a dotted path (list items are transparent), or undefined for an atomic field. */
function ruleAt(kind: KindRef, path: string): ListMergeRule | undefined {
  let node: PatchRules | undefined = patchRulesOf(kind);
  for (const field of path.split('.')) node = node?.children.get(field);
  return node?.list;
}

const podSpecLists: Array<[string, ListMergeRule]> = [
  ['containers', { mergeKey: 'name' }],
  ['initContainers', { mergeKey: 'name' }],
  ['ephemeralContainers', { mergeKey: 'name' }],
  ['containers.env', { mergeKey: 'name' }],
  ['containers.ports', { mergeKey: 'containerPort' }],
  ['containers.volumeMounts', { mergeKey: 'mountPath' }],
  ['containers.volumeDevices', { mergeKey: 'devicePath' }],
  ['initContainers.env', { mergeKey: 'name' }],
  ['ephemeralContainers.volumeMounts', { mergeKey: 'mountPath' }],
  ['volumes', { mergeKey: 'name' }],
  ['imagePullSecrets', { mergeKey: 'name' }],
  ['schedulingGates', { mergeKey: 'name' }],
  ['hostAliases', { mergeKey: 'ip' }],
  ['topologySpreadConstraints', { mergeKey: 'topologyKey' }],
  ['resourceClaims', { mergeKey: 'name' }],
];

describe('patchRulesOf', () => {
  it('gives every kind merging finalizers and ownerReferences', () => {
    for (const kind of [{ group: '', kind: 'ConfigMap' }, { group: 'example.com', kind: 'Widget' }, { group: 'apps', kind: 'Deployment' }]) {
      expect(ruleAt(kind, 'metadata.finalizers')).toEqual({});
      expect(ruleAt(kind, 'metadata.ownerReferences')).toEqual({ mergeKey: 'uid' });
      expect(ruleAt(kind, 'metadata.managedFields')).toBeUndefined();
    }
  });

  it.each([
    [{ group: '', kind: 'Pod' }, 'spec'],
    [{ group: '', kind: 'PodTemplate' }, 'template.spec'],
    [{ group: '', kind: 'ReplicationController' }, 'spec.template.spec'],
    [{ group: 'apps', kind: 'Deployment' }, 'spec.template.spec'],
    [{ group: 'apps', kind: 'ReplicaSet' }, 'spec.template.spec'],
    [{ group: 'apps', kind: 'StatefulSet' }, 'spec.template.spec'],
    [{ group: 'apps', kind: 'DaemonSet' }, 'spec.template.spec'],
    [{ group: 'batch', kind: 'Job' }, 'spec.template.spec'],
    [{ group: 'batch', kind: 'CronJob' }, 'spec.jobTemplate.spec.template.spec'],
  ])('%j has the pod spec rules under %s', (kind, prefix) => {
    for (const [path, rule] of podSpecLists) expect(ruleAt(kind, `${prefix}.${path}`), path).toEqual(rule);
    expect(ruleAt(kind, `${prefix}.tolerations`)).toBeUndefined();
    expect(ruleAt(kind, `${prefix}.containers.args`)).toBeUndefined();
    expect(ruleAt(kind, `${prefix}.containers.envFrom`)).toBeUndefined();
  });

  it('gives pod and job templates their own metadata rules', () => {
    expect(ruleAt({ group: 'apps', kind: 'Deployment' }, 'spec.template.metadata.finalizers')).toEqual({});
    expect(ruleAt({ group: 'batch', kind: 'CronJob' }, 'spec.jobTemplate.metadata.ownerReferences')).toEqual({ mergeKey: 'uid' });
    expect(ruleAt({ group: 'batch', kind: 'CronJob' }, 'spec.jobTemplate.spec.template.metadata.finalizers')).toEqual({});
  });

  it.each([
    [{ group: '', kind: 'Pod' }, 'status.conditions', { mergeKey: 'type' }],
    [{ group: '', kind: 'Pod' }, 'status.podIPs', { mergeKey: 'ip' }],
    [{ group: '', kind: 'Pod' }, 'status.hostIPs', { mergeKey: 'ip' }],
    [{ group: '', kind: 'Pod' }, 'status.resourceClaimStatuses', { mergeKey: 'name' }],
    [{ group: '', kind: 'Pod' }, 'status.containerStatuses', undefined],
    [{ group: '', kind: 'Service' }, 'spec.ports', { mergeKey: 'port' }],
    [{ group: '', kind: 'Service' }, 'status.conditions', { mergeKey: 'type' }],
    [{ group: '', kind: 'ServiceAccount' }, 'secrets', { mergeKey: 'name' }],
    [{ group: '', kind: 'ServiceAccount' }, 'imagePullSecrets', undefined],
    [{ group: '', kind: 'Node' }, 'spec.podCIDRs', {}],
    [{ group: '', kind: 'Node' }, 'spec.taints', undefined],
    [{ group: '', kind: 'Node' }, 'status.conditions', { mergeKey: 'type' }],
    [{ group: '', kind: 'Node' }, 'status.addresses', { mergeKey: 'type' }],
    [{ group: '', kind: 'Namespace' }, 'status.conditions', { mergeKey: 'type' }],
    [{ group: '', kind: 'Namespace' }, 'spec.finalizers', undefined],
    [{ group: '', kind: 'PersistentVolumeClaim' }, 'status.conditions', { mergeKey: 'type' }],
    [{ group: 'apps', kind: 'Deployment' }, 'status.conditions', { mergeKey: 'type' }],
    [{ group: 'apps', kind: 'StatefulSet' }, 'spec.volumeClaimTemplates', undefined],
    [{ group: 'batch', kind: 'Job' }, 'status.conditions', { mergeKey: 'type' }],
    [{ group: '', kind: 'ConfigMap' }, 'spec.template.spec.containers', undefined],
    [{ group: 'example.com', kind: 'Deployment' }, 'spec.template.spec.containers', undefined],
  ])('%j %s → %j', (kind, path, rule) => {
    expect(ruleAt(kind, path)).toEqual(rule);
  });
});
