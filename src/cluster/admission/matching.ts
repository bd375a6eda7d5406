import type { KubeObject } from '../resource-type.ts';
import type { Webhook, WebhookRule } from './webhook-configurations.ts';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

/** What a webhook's rules and selectors are matched against: one request to the API. */
export interface AdmissionAttributes {
  operation: AdmissionOperation;
  group: string;
  version: string;
  /** The resource's plural. */
  resource: string;
  kind: string;
  /** `status`, or '' for the main resource. */
  subresource: string;
  /** Whether the kind is namespaced (a Namespace itself is not). */
  namespaced: boolean;
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
}

/**
 * Webhook configurations never go through webhooks themselves: a broken
 * webhook could otherwise lock its own configuration in place (upstream
 * exempts them the same way).
 */
const exemptGroup = 'admissionregistration.k8s.io';

function listed(values: string[] | undefined, value: string): boolean {
  return values !== undefined && (values.includes('*') || values.includes(value));
}

/** `widgets`, `widgets/status`, `*` (main resources only), `*\/status`, `widgets/*`, `*\/*`. */
function resourceListed(resources: string[] | undefined, resource: string, subresource: string): boolean {
  for (const entry of resources ?? []) {
    const slash = entry.indexOf('/');
    const name = slash < 0 ? entry : entry.slice(0, slash);
    const sub = slash < 0 ? '' : entry.slice(slash + 1);
    if ((name === '*' || name === resource) && (sub === '*' || sub === subresource)) return true;
  }
  return false;
}

function scopeMatches(scope: string | undefined, namespaced: boolean): boolean {
  if (scope === 'Namespaced') return namespaced;
  if (scope === 'Cluster') return !namespaced;
  return true;
}

/** Whether one rule covers the request: operation, group, version, resource/subresource and scope. */
export function ruleMatches(rule: WebhookRule, attributes: AdmissionAttributes): boolean {
  return (
    listed(rule.operations, attributes.operation) &&
    listed(rule.apiGroups, attributes.group) &&
    listed(rule.apiVersions, attributes.version) &&
    resourceListed(rule.resources, attributes.resource, attributes.subresource) &&
    scopeMatches(rule.scope, attributes.namespaced)
  );
}

/**
 * Whether a webhook is called for a request: one of its rules covers it,
 * the labels of the object's namespace match its namespaceSelector (not
 * checked for cluster-scoped objects; a Namespace is matched by its own
 * labels), and the labels of the object or of the old object match its
 * objectSelector. `namespaceLabels` gives the labels of a namespace by name.
 */
export function webhookMatches(
  webhook: Webhook,
  attributes: AdmissionAttributes,
  namespaceLabels: (name: string) => Record<string, string> | undefined,
): boolean {
  if (attributes.group === exemptGroup) return false;
  if (!(webhook.spec.rules ?? []).some((rule) => ruleMatches(rule, attributes))) return false;
  const subject = attributes.object ?? attributes.oldObject;
  if (webhook.namespaceSelector.requirements.length > 0) {
    const isNamespace = attributes.group === '' && attributes.resource === 'namespaces';
    if (isNamespace) {
      if (!webhook.namespaceSelector.matches(subject?.metadata.labels ?? {})) return false;
    } else if (attributes.namespaced) {
      const namespace = subject?.metadata.namespace;
      if (!webhook.namespaceSelector.matches((namespace && namespaceLabels(namespace)) || {})) return false;
    }
  }
  if (webhook.objectSelector.requirements.length > 0) {
    const selector = webhook.objectSelector;
    const matched = [attributes.object, attributes.oldObject].some((o) => o !== undefined && selector.matches(o.metadata.labels ?? {}));
    if (!matched) return false;
  }
  return true;
}
