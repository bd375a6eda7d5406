import { fieldError } from '../errors.ts';
import type { ResourceType } from '../resource-type.ts';
import { builtin, record, records } from './define.ts';
import { normalizeTimestamps } from './timestamps.ts';
import { eventsV1 } from './events-v1.ts';

const failurePolicies = ['Fail', 'Ignore'];
const sideEffects = ['None', 'NoneOnDryRun'];

/** Webhook configurations are stored as given once their entries are well-formed (§11). */
function validateWebhooks(obj: Record<string, unknown>) {
  const errors = [];
  const names = new Set<string>();
  for (const [i, hook] of records(obj.webhooks).entries()) {
    const path = `webhooks[${i}]`;
    if (typeof hook.name !== 'string' || !hook.name.includes('.')) {
      errors.push(fieldError.invalid(`${path}.name`, hook.name ?? '', 'should be a domain with at least three segments separated by dots'));
    } else if (names.has(hook.name)) errors.push(fieldError.duplicate(`${path}.name`, hook.name));
    else names.add(hook.name);
    const client = record(hook.clientConfig);
    if (!client || (!client.url && !client.service)) errors.push(fieldError.required(`${path}.clientConfig`, 'exactly one of url or service is required'));
    if (hook.sideEffects === undefined) errors.push(fieldError.required(`${path}.sideEffects`, ''));
    else if (!sideEffects.includes(hook.sideEffects as string)) errors.push(fieldError.notSupported(`${path}.sideEffects`, hook.sideEffects, sideEffects));
    if (!Array.isArray(hook.admissionReviewVersions) || hook.admissionReviewVersions.length === 0) {
      errors.push(fieldError.required(`${path}.admissionReviewVersions`, 'must specify one of v1, v1beta1'));
    }
    if (hook.failurePolicy !== undefined && !failurePolicies.includes(hook.failurePolicy as string)) {
      errors.push(fieldError.notSupported(`${path}.failurePolicy`, hook.failurePolicy, failurePolicies));
    }
  }
  return errors;
}

function defaultWebhooks(obj: Record<string, unknown>, mutating: boolean): void {
  for (const hook of records(obj.webhooks)) {
    hook.failurePolicy ??= 'Fail';
    hook.matchPolicy ??= 'Equivalent';
    hook.namespaceSelector ??= {};
    hook.objectSelector ??= {};
    hook.timeoutSeconds ??= 10;
    if (mutating) hook.reinvocationPolicy ??= 'Never';
    for (const rule of records(hook.rules)) rule.scope ??= '*';
    const service = record(record(hook.clientConfig)?.service);
    if (service) service.port ??= 443;
  }
}

const webhookConfiguration = (plural: string, kind: string, mutating: boolean) =>
  builtin({
    group: 'admissionregistration.k8s.io', version: 'v1', plural, kind, namespaced: false, categories: ['api-extensions'],
    strategy: {
      prepareForCreate: (obj) => defaultWebhooks(obj, mutating),
      prepareForUpdate: (obj) => defaultWebhooks(obj, mutating),
      validate: (obj) => validateWebhooks(obj),
    },
  });

/** A Lease's MicroTime fields parse strictly (§0.5). */
function prepareLease(obj: Record<string, unknown>): void {
  normalizeTimestamps('Lease', record(obj.spec), [], ['acquireTime', 'renewTime']);
}

function validateLease(obj: Record<string, unknown>) {
  const spec = record(obj.spec) ?? {};
  const errors = [];
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0) {
    errors.push(fieldError.invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (typeof spec.leaseTransitions === 'number' && spec.leaseTransitions < 0) {
    errors.push(fieldError.invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  return errors;
}

const leases = builtin({
  group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true,
  requiresResourceVersionOnUpdate: true, createOnUpdate: true,
  strategy: { prepareForCreate: prepareLease, prepareForUpdate: prepareLease, validate: validateLease },
});

/** Every other built-in group an operator meets. */
export function otherTypes(): ResourceType[] {
  const rbac = (plural: string, kind: string, namespaced: boolean) =>
    builtin({ group: 'rbac.authorization.k8s.io', version: 'v1', plural, kind, namespaced });
  const review = (group: string, plural: string, kind: string, namespaced = false) =>
    builtin({ group, version: 'v1', plural, kind, namespaced, ephemeral: true });
  return [
    leases,
    eventsV1,
    rbac('roles', 'Role', true),
    rbac('rolebindings', 'RoleBinding', true),
    rbac('clusterroles', 'ClusterRole', false),
    rbac('clusterrolebindings', 'ClusterRoleBinding', false),
    webhookConfiguration('mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', true),
    webhookConfiguration('validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false),
    builtin({ group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true, shortNames: ['pdb'], status: true, tracksGeneration: true }),
    builtin({ group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', kind: 'Ingress', namespaced: true, shortNames: ['ing'], status: true, tracksGeneration: true }),
    builtin({ group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true, shortNames: ['netpol'], tracksGeneration: true }),
    builtin({ group: 'scheduling.k8s.io', version: 'v1', plural: 'priorityclasses', kind: 'PriorityClass', namespaced: false, shortNames: ['pc'] }),
    builtin({ group: 'storage.k8s.io', version: 'v1', plural: 'storageclasses', kind: 'StorageClass', namespaced: false, shortNames: ['sc'] }),
    builtin({ group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', kind: 'EndpointSlice', namespaced: true }),
    builtin({ group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true, shortNames: ['hpa'], categories: ['all'], status: true }),
    review('authorization.k8s.io', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
    review('authorization.k8s.io', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview'),
    review('authorization.k8s.io', 'subjectaccessreviews', 'SubjectAccessReview'),
    review('authorization.k8s.io', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true),
    review('authentication.k8s.io', 'selfsubjectreviews', 'SelfSubjectReview'),
    review('authentication.k8s.io', 'tokenreviews', 'TokenReview'),
  ];
}
