/**
 * Printers for kinds of the API groups other than core, apps and batch: Lease
 * (coordination.k8s.io), PodDisruptionBudget (policy), RoleBinding and ClusterRoleBinding
 * (rbac.authorization.k8s.io), and the admission webhook configurations.
 */

import type { MutatingWebhookConfiguration, ValidatingWebhookConfiguration } from 'kubernetes-types/admissionregistration/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { ClusterRoleBinding, RoleBinding, Subject } from 'kubernetes-types/rbac/v1.js';
import { formatAge } from './age.ts';
import { AGE_COLUMN, NAME_COLUMN, column } from './columns.ts';
import type { Printer } from './columns.ts';

/** Prints coordination.k8s.io/v1 Leases. */
export const leasePrinter: Printer = {
  columns: [NAME_COLUMN, column('Holder', 'string', 'Identity of the current holder of the lease.'), AGE_COLUMN],
  print(object, now) {
    const lease = object as Lease;
    return { cells: [lease.metadata?.name ?? '', lease.spec?.holderIdentity ?? '', formatAge(lease.metadata?.creationTimestamp, now)] };
  },
};

/** Prints policy/v1 PodDisruptionBudgets. */
export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Min Available', 'string', 'Pods that must stay available, as a number or a percentage.'),
    column('Max Unavailable', 'string', 'Pods that may be unavailable, as a number or a percentage.'),
    column('Allowed Disruptions', 'integer', 'Pods that may be disrupted right now.'),
    AGE_COLUMN,
  ],
  print(object, now) {
    const budget = object as PodDisruptionBudget;
    const spec = budget.spec ?? {};
    return {
      cells: [
        budget.metadata?.name ?? '',
        intOrStringText(spec.minAvailable),
        intOrStringText(spec.maxUnavailable),
        budget.status?.disruptionsAllowed ?? 0,
        formatAge(budget.metadata?.creationTimestamp, now),
      ],
    };
  },
};

function intOrStringText(value: number | string | undefined | null): string {
  return value === undefined || value === null ? 'N/A' : String(value);
}

const roleBindingColumns = (scope: string) => [
  NAME_COLUMN,
  column('Role', 'string', 'Kind and name of the role the binding grants.'),
  AGE_COLUMN,
  column('Users', 'string', `Users named in the ${scope}.`, 1),
  column('Groups', 'string', `Groups named in the ${scope}.`, 1),
  column('ServiceAccounts', 'string', `Service accounts named in the ${scope}, as namespace/name.`, 1),
];

function printBinding(binding: RoleBinding | ClusterRoleBinding, now: Date) {
  const subjects = binding.subjects ?? [];
  const named = (kind: string, text: (subject: Subject) => string) =>
    subjects
      .filter((subject) => subject.kind === kind)
      .map(text)
      .join(', ');
  return {
    cells: [
      binding.metadata?.name ?? '',
      `${binding.roleRef.kind}/${binding.roleRef.name}`,
      formatAge(binding.metadata?.creationTimestamp, now),
      named('User', (subject) => subject.name),
      named('Group', (subject) => subject.name),
      named('ServiceAccount', (subject) => `${subject.namespace ?? ''}/${subject.name}`),
    ],
  };
}

/** Prints rbac.authorization.k8s.io/v1 RoleBindings. */
export const roleBindingPrinter: Printer = {
  columns: roleBindingColumns('role binding'),
  print(object, now) {
    return printBinding(object as RoleBinding, now);
  },
};

/** Prints rbac.authorization.k8s.io/v1 ClusterRoleBindings. */
export const clusterRoleBindingPrinter: Printer = {
  columns: roleBindingColumns('cluster role binding'),
  print(object, now) {
    return printBinding(object as ClusterRoleBinding, now);
  },
};

/** Prints admissionregistration.k8s.io/v1 Mutating- and ValidatingWebhookConfigurations. */
export const webhookConfigurationPrinter: Printer = {
  columns: [NAME_COLUMN, column('Webhooks', 'integer', 'Number of webhooks in the configuration.'), AGE_COLUMN],
  print(object, now) {
    const configuration = object as MutatingWebhookConfiguration | ValidatingWebhookConfiguration;
    return {
      cells: [configuration.metadata?.name ?? '', (configuration.webhooks ?? []).length, formatAge(configuration.metadata?.creationTimestamp, now)],
    };
  },
};
