import { describe, expect, it } from 'vitest';
import { labelSelectorFromObject } from '../../core/label-selector.ts';
import type { KubeObject } from '../resource-type.ts';
import { ruleMatches, webhookMatches, type AdmissionAttributes } from './matching.ts';
import type { Webhook, WebhookRule, WebhookSpec } from './webhook-configurations.ts';

const configMap = (labels?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', namespace: 'team', labels } });

function attributes(overrides: Partial<AdmissionAttributes> = {}): AdmissionAttributes {
  return {
    operation: 'CREATE', group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', subresource: '', namespaced: true,
    object: configMap(), oldObject: undefined, ...overrides,
  };
}

function webhook(spec: Partial<WebhookSpec>): Webhook {
  const full: WebhookSpec = { name: 'w.example.com', clientConfig: { url: 'https://127.0.0.1:1/w' }, ...spec };
  return {
    mutating: false,
    spec: full,
    namespaceSelector: labelSelectorFromObject(full.namespaceSelector ?? {}),
    objectSelector: labelSelectorFromObject(full.objectSelector ?? {}),
  };
}

const allConfigMaps: WebhookRule = { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], scope: '*' };

describe('rule matching', () => {
  it('matches operations, groups and versions by name or *', () => {
    expect(ruleMatches(allConfigMaps, attributes())).toBe(true);
    expect(ruleMatches(allConfigMaps, attributes({ operation: 'UPDATE' }))).toBe(false);
    expect(ruleMatches({ ...allConfigMaps, operations: ['*'] }, attributes({ operation: 'DELETE' }))).toBe(true);
    expect(ruleMatches({ ...allConfigMaps, apiGroups: ['apps'] }, attributes())).toBe(false);
    expect(ruleMatches({ ...allConfigMaps, apiGroups: ['*'], apiVersions: ['*'] }, attributes())).toBe(true);
    expect(ruleMatches({ ...allConfigMaps, apiVersions: ['v2'] }, attributes())).toBe(false);
  });

  it('matches resources with their subresources as upstream spells them', () => {
    const status = attributes({ operation: 'UPDATE', subresource: 'status', resource: 'widgets' });
    const rule = (resources: string[]): WebhookRule => ({ ...allConfigMaps, operations: ['*'], resources });
    expect(ruleMatches(rule(['widgets']), status)).toBe(false);
    expect(ruleMatches(rule(['widgets/status']), status)).toBe(true);
    expect(ruleMatches(rule(['widgets/*']), status)).toBe(true);
    expect(ruleMatches(rule(['*/status']), status)).toBe(true);
    expect(ruleMatches(rule(['*/*']), status)).toBe(true);
    // A bare * names main resources only.
    expect(ruleMatches(rule(['*']), status)).toBe(false);
    expect(ruleMatches(rule(['*']), attributes())).toBe(true);
    expect(ruleMatches(rule(['*/scale']), status)).toBe(false);
  });

  it('matches the scope: Namespaced, Cluster or *', () => {
    expect(ruleMatches({ ...allConfigMaps, scope: 'Namespaced' }, attributes())).toBe(true);
    expect(ruleMatches({ ...allConfigMaps, scope: 'Cluster' }, attributes())).toBe(false);
    const node = attributes({ resource: 'nodes', namespaced: false });
    expect(ruleMatches({ ...allConfigMaps, resources: ['nodes'], scope: 'Cluster' }, node)).toBe(true);
    expect(ruleMatches({ ...allConfigMaps, resources: ['nodes'], scope: 'Namespaced' }, node)).toBe(false);
    expect(ruleMatches({ ...allConfigMaps, resources: ['nodes'] , scope: undefined }, node)).toBe(true);
  });
});

describe('webhook matching', () => {
  const noNamespaces = () => undefined;

  it('needs one matching rule', () => {
    expect(webhookMatches(webhook({ rules: [{ ...allConfigMaps, resources: ['secrets'] }, allConfigMaps] }), attributes(), noNamespaces)).toBe(true);
    expect(webhookMatches(webhook({ rules: [{ ...allConfigMaps, resources: ['secrets'] }] }), attributes(), noNamespaces)).toBe(false);
    expect(webhookMatches(webhook({ rules: [] }), attributes(), noNamespaces)).toBe(false);
  });

  it('matches the namespaceSelector against the labels of the object\'s namespace', () => {
    const hook = webhook({ rules: [allConfigMaps], namespaceSelector: { matchLabels: { team: 'a' } } });
    expect(webhookMatches(hook, attributes(), (name) => (name === 'team' ? { team: 'a' } : undefined))).toBe(true);
    expect(webhookMatches(hook, attributes(), (name) => (name === 'team' ? { team: 'b' } : undefined))).toBe(false);
    expect(webhookMatches(hook, attributes(), noNamespaces)).toBe(false);
    const excluding = webhook({ rules: [allConfigMaps], namespaceSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] } });
    expect(webhookMatches(excluding, attributes(), () => ({}))).toBe(true);
    expect(webhookMatches(excluding, attributes(), () => ({ skip: 'yes' }))).toBe(false);
  });

  it('matches a Namespace by its own labels and ignores the namespaceSelector for other cluster-scoped objects', () => {
    const rule: WebhookRule = { operations: ['*'], apiGroups: [''], apiVersions: ['v1'], resources: ['namespaces', 'nodes'] };
    const hook = webhook({ rules: [rule], namespaceSelector: { matchLabels: { team: 'a' } } });
    const namespace = (labels: Record<string, string>) =>
      attributes({ resource: 'namespaces', kind: 'Namespace', namespaced: false, object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n1', labels } } });
    expect(webhookMatches(hook, namespace({ team: 'a' }), noNamespaces)).toBe(true);
    expect(webhookMatches(hook, namespace({ team: 'b' }), noNamespaces)).toBe(false);
    const node = attributes({ resource: 'nodes', kind: 'Node', namespaced: false, object: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } } });
    expect(webhookMatches(hook, node, noNamespaces)).toBe(true);
  });

  it('matches the objectSelector against the object or the old object', () => {
    const hook = webhook({ rules: [{ ...allConfigMaps, operations: ['*'] }], objectSelector: { matchLabels: { watched: 'yes' } } });
    expect(webhookMatches(hook, attributes({ object: configMap({ watched: 'yes' }) }), noNamespaces)).toBe(true);
    expect(webhookMatches(hook, attributes({ object: configMap({ watched: 'no' }) }), noNamespaces)).toBe(false);
    const update = attributes({ operation: 'UPDATE', object: configMap({}), oldObject: configMap({ watched: 'yes' }) });
    expect(webhookMatches(hook, update, noNamespaces)).toBe(true);
    const deletion = attributes({ operation: 'DELETE', object: undefined, oldObject: configMap({ watched: 'yes' }) });
    expect(webhookMatches(hook, deletion, noNamespaces)).toBe(true);
  });

  it('never calls webhooks on admissionregistration.k8s.io objects', () => {
    const everything = webhook({ rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'] }] });
    expect(webhookMatches(everything, attributes(), noNamespaces)).toBe(true);
    const configuration = attributes({ group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations', namespaced: false });
    expect(webhookMatches(everything, configuration, noNamespaces)).toBe(false);
  });
});
