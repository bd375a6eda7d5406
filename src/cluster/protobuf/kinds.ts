/**
 * Which top-level kinds can arrive as protobuf bodies, and which message of
 * our schema describes each. Each message is named after its kind inside the
 * package of its API version.
 */

const PACKAGES_AND_KINDS: ReadonlyArray<readonly [apiVersion: string, protoPackage: string, kinds: readonly string[]]> = [
  ['v1', 'core.v1', ['Namespace', 'ConfigMap', 'Secret', 'ServiceAccount', 'Service', 'ResourceQuota']],
  ['apps/v1', 'apps.v1', ['Deployment']],
  ['batch/v1', 'batch.v1', ['Job', 'CronJob']],
  ['rbac.authorization.k8s.io/v1', 'rbac.v1', ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']],
  ['policy/v1', 'policy.v1', ['PodDisruptionBudget']],
  ['scheduling.k8s.io/v1', 'scheduling.v1', ['PriorityClass']],
  ['networking.k8s.io/v1', 'networking.v1', ['Ingress']],
  ['authorization.k8s.io/v1', 'authorization.v1', ['SelfSubjectAccessReview', 'SelfSubjectRulesReview']],
  ['authentication.k8s.io/v1', 'authentication.v1', ['SelfSubjectReview', 'TokenRequest']],
];

const MESSAGE_BY_KIND = new Map<string, string>(
  PACKAGES_AND_KINDS.flatMap(([apiVersion, protoPackage, kinds]) =>
    kinds.map((kind) => [kindKey(apiVersion, kind), `${protoPackage}.${kind}`] as const),
  ),
);

function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}|${kind}`;
}

/** The full name of the schema message for a kind, or undefined when protobuf bodies of that kind are not supported. */
export function messageNameForKind(apiVersion: string, kind: string): string | undefined {
  return MESSAGE_BY_KIND.get(kindKey(apiVersion, kind));
}

/** Every supported kind as `{apiVersion, kind}`, e.g. for listing in docs and tests. */
export function protobufKinds(): Array<{ apiVersion: string; kind: string }> {
  return PACKAGES_AND_KINDS.flatMap(([apiVersion, , kinds]) => kinds.map((kind) => ({ apiVersion, kind })));
}
