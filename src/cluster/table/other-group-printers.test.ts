import { describe, expect, it } from 'vitest';
import type { Printer } from './columns.ts';
import {
  clusterRoleBindingPrinter,
  leasePrinter,
  podDisruptionBudgetPrinter,
  roleBindingPrinter,
  webhookConfigurationPrinter,
} from './other-group-printers.ts';

const now = new Date('2026-01-02T03:04:05Z');
const metadata = (name: string) => ({ name, creationTimestamp: '2026-01-02T03:03:50Z' });
const header = (printer: Printer) => printer.columns.map((column) => `${column.name}:${column.type}:${column.priority}`);

describe('leasePrinter', () => {
  it('prints the holder, or nothing when the lease is free', () => {
    expect(header(leasePrinter)).toEqual(['Name:string:0', 'Holder:string:0', 'Age:string:0']);
    expect(leasePrinter.print({ metadata: metadata('leader'), spec: { holderIdentity: 'pod-1_abc' } }, now).cells).toEqual(['leader', 'pod-1_abc', '15s']);
    expect(leasePrinter.print({ metadata: metadata('free'), spec: {} }, now).cells).toEqual(['free', '', '15s']);
  });
});

describe('podDisruptionBudgetPrinter', () => {
  it('prints numbers or percentages, and N/A for the unset bound', () => {
    expect(header(podDisruptionBudgetPrinter)).toEqual([
      'Name:string:0', 'Min Available:string:0', 'Max Unavailable:string:0', 'Allowed Disruptions:integer:0', 'Age:string:0',
    ]);
    expect(podDisruptionBudgetPrinter.print({ metadata: metadata('a'), spec: { minAvailable: 2 } }, now).cells).toEqual(['a', '2', 'N/A', 0, '15s']);
    const budget = { metadata: metadata('b'), spec: { maxUnavailable: '25%' }, status: { disruptionsAllowed: 3 } };
    expect(podDisruptionBudgetPrinter.print(budget, now).cells).toEqual(['b', 'N/A', '25%', 3, '15s']);
  });
});

describe('roleBindingPrinter and clusterRoleBindingPrinter', () => {
  const binding = {
    metadata: metadata('readers'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [
      { kind: 'User', name: 'alice' },
      { kind: 'Group', name: 'devs' },
      { kind: 'ServiceAccount', name: 'robot', namespace: 'ci' },
      { kind: 'User', name: 'bob' },
    ],
  };

  it('print the role and, wide, the subjects by kind', () => {
    expect(header(roleBindingPrinter)).toEqual([
      'Name:string:0', 'Role:string:0', 'Age:string:0', 'Users:string:1', 'Groups:string:1', 'ServiceAccounts:string:1',
    ]);
    expect(roleBindingPrinter.print(binding, now).cells).toEqual(['readers', 'ClusterRole/view', '15s', 'alice, bob', 'devs', 'ci/robot']);
    expect(clusterRoleBindingPrinter.print(binding, now).cells).toEqual(['readers', 'ClusterRole/view', '15s', 'alice, bob', 'devs', 'ci/robot']);
  });

  it('print empty subject cells for a binding without subjects', () => {
    const empty = { metadata: metadata('none'), roleRef: binding.roleRef };
    expect(clusterRoleBindingPrinter.print(empty, now).cells.slice(3)).toEqual(['', '', '']);
  });
});

describe('webhookConfigurationPrinter', () => {
  it('counts the webhooks', () => {
    expect(header(webhookConfigurationPrinter)).toEqual(['Name:string:0', 'Webhooks:integer:0', 'Age:string:0']);
    const configuration = { metadata: metadata('hooks'), webhooks: [{ name: 'a.example.com' }, { name: 'b.example.com' }] };
    expect(webhookConfigurationPrinter.print(configuration, now).cells).toEqual(['hooks', 2, '15s']);
    expect(webhookConfigurationPrinter.print({ metadata: metadata('none') }, now).cells).toEqual(['none', 0, '15s']);
  });
});
