/**
 * Which printer a built-in kind gets: the kinds kube-apiserver 1.32 prints with their own
 * columns (apiserver-spec §8.6), and the default `Name` + `Created At` table for the rest —
 * Role, ClusterRole and CustomResourceDefinition among them.
 */

import { parseTimestamp } from './age.ts';
import { NAME_COLUMN, column } from './columns.ts';
import type { Printer } from './columns.ts';
import {
  configMapPrinter,
  endpointsPrinter,
  namespacePrinter,
  nodePrinter,
  persistentVolumeClaimPrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
} from './core-printers.ts';
import { coreEventPrinter, eventsEventPrinter } from './event-printer.ts';
import {
  clusterRoleBindingPrinter,
  leasePrinter,
  podDisruptionBudgetPrinter,
  roleBindingPrinter,
  webhookConfigurationPrinter,
} from './other-group-printers.ts';
import { podPrinter } from './pod-printer.ts';
import {
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  jobPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './workload-printers.ts';

/** Upstream formats an unset creation time as Go's zero time. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * The table of kinds without a printer. `Created At` is a date column, but its cell is the
 * RFC 3339 creation time itself, not an age; kubectl prints it as it is.
 */
export const defaultPrinter: Printer = {
  columns: [NAME_COLUMN, column('Created At', 'date', 'When the object was created.')],
  print(object) {
    const metadata = (object as { metadata?: { name?: string; creationTimestamp?: string } }).metadata;
    const created = metadata?.creationTimestamp ? parseTimestamp(metadata.creationTimestamp) : null;
    // Whole seconds in UTC, whatever offset or fraction the stored text has.
    const cell = created === null ? ZERO_TIME : new Date(Math.floor(created / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    return { cells: [metadata?.name ?? '', cell] };
  },
};

/** Built-in printers keyed by `group/kind`; the core group is the empty string (`/Pod`). */
export const builtinPrinters: ReadonlyMap<string, Printer> = new Map([
  ['/Pod', podPrinter],
  ['/Namespace', namespacePrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Secret', secretPrinter],
  ['/Service', servicePrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/Event', coreEventPrinter],
  ['/Node', nodePrinter],
  ['/PersistentVolumeClaim', persistentVolumeClaimPrinter],
  ['/Endpoints', endpointsPrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['apps/StatefulSet', statefulSetPrinter],
  ['apps/DaemonSet', daemonSetPrinter],
  ['batch/Job', jobPrinter],
  ['batch/CronJob', cronJobPrinter],
  ['events.k8s.io/Event', eventsEventPrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  ['policy/PodDisruptionBudget', podDisruptionBudgetPrinter],
  ['rbac.authorization.k8s.io/RoleBinding', roleBindingPrinter],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', clusterRoleBindingPrinter],
  ['admissionregistration.k8s.io/MutatingWebhookConfiguration', webhookConfigurationPrinter],
  ['admissionregistration.k8s.io/ValidatingWebhookConfiguration', webhookConfigurationPrinter],
]);

/** The printer for a built-in kind: its own, or the default table. */
export function builtinPrinter(group: string, kind: string): Printer {
  return builtinPrinters.get(`${group}/${kind}`) ?? defaultPrinter;
}
