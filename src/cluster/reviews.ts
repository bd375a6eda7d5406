import { randomUUID } from 'node:crypto';
import { record } from './builtins/define.ts';
import { apiVersionOf, type KubeObject, type ResourceType } from './resource-type.ts';

/** Who the embedded server says the caller is: one admin identity (apiserver-spec §12). */
export interface UserInfo {
  username: string;
  uid: string;
  groups: string[];
}

export const adminUser: UserInfo = { username: 'kopf-ts-admin', uid: 'kopf-ts-admin', groups: ['system:masters', 'system:authenticated'] };

/**
 * The create-only review kinds: access reviews (`kubectl auth can-i`), who-am-I
 * and token reviews. The embedded server authorizes everything for its one
 * user, so every access review is allowed, by the same rule a real cluster
 * applies to `system:masters`.
 */
export class Reviews {
  review(type: ResourceType, body: KubeObject): KubeObject {
    const result: KubeObject = {
      ...body,
      kind: type.kind,
      apiVersion: apiVersionOf(type),
      metadata: { ...(body.metadata ?? {}), creationTimestamp: null } as unknown as KubeObject['metadata'],
    };
    switch (type.kind) {
      case 'SelfSubjectAccessReview':
      case 'SubjectAccessReview':
      case 'LocalSubjectAccessReview':
        // As for system:masters upstream: allowed, without a reason.
        result.status = { allowed: true };
        break;
      case 'SelfSubjectRulesReview':
        result.status = {
          resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
          nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
          incomplete: false,
        };
        break;
      case 'SelfSubjectReview':
        result.status = { userInfo: adminUser };
        break;
      case 'TokenReview': {
        const token = record(body.spec)?.token;
        result.status = token ? { authenticated: true, user: { ...adminUser, uid: randomUUID() }, audiences: [] } : { authenticated: false, error: 'no token given' };
        break;
      }
    }
    return result;
  }
}
