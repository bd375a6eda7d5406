import { describe, expect, it } from 'vitest';
import { messageNameForKind, protobufKinds } from './kinds.ts';
import { kubernetesMessages } from './schema.ts';

describe('messageNameForKind', () => {
  it('names the schema message of every kind kubectl sends as protobuf', () => {
    expect(messageNameForKind('v1', 'Namespace')).toBe('core.v1.Namespace');
    expect(messageNameForKind('apps/v1', 'Deployment')).toBe('apps.v1.Deployment');
    expect(messageNameForKind('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding')).toBe('rbac.v1.ClusterRoleBinding');
    expect(messageNameForKind('authorization.k8s.io/v1', 'SelfSubjectAccessReview')).toBe('authorization.v1.SelfSubjectAccessReview');
  });

  it('knows nothing of other kinds, other versions, or object property names', () => {
    expect(messageNameForKind('apps/v1', 'StatefulSet')).toBeUndefined();
    expect(messageNameForKind('apps/v1beta1', 'Deployment')).toBeUndefined();
    expect(messageNameForKind('v1', 'PodSpec')).toBeUndefined();
    expect(messageNameForKind('constructor', 'toString')).toBeUndefined();
  });

  it('points every supported kind at a message that exists in the schema', () => {
    const kinds = protobufKinds();
    expect(kinds).toHaveLength(20);
    for (const { apiVersion, kind } of kinds) {
      const name = messageNameForKind(apiVersion, kind);
      expect(() => kubernetesMessages.lookupType(name as string), `${apiVersion} ${kind}`).not.toThrow();
    }
  });
});
