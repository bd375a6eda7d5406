/**
 * The Pod printer: kubectl's READY, STATUS and RESTARTS columns, computed the way
 * kube-apiserver computes them from the pod's spec and status (apiserver-spec §8.6, §11).
 */

import type { ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { formatAge, humanDuration, parseTimestamp } from './age.ts';
import { AGE_COLUMN, NAME_COLUMN, column } from './columns.ts';
import type { PrintedRow, Printer, RowCondition } from './columns.ts';

const COLUMNS = [
  NAME_COLUMN,
  column('Ready', 'string', 'Ready containers out of all containers of the pod.'),
  column('Status', 'string', "The pod's state, summarised from its phase and its containers' states."),
  column('Restarts', 'string', 'Container restarts, and how long ago the latest one happened.'),
  AGE_COLUMN,
  column('IP', 'string', "The pod's IP address.", 1),
  column('Node', 'string', 'The node the pod is bound to.', 1),
  column('Nominated Node', 'string', 'The node the scheduler nominated for the pod while preempting others.', 1),
  column('Readiness Gates', 'string', 'Readiness gates whose condition is true, out of all the pod declares.', 1),
];

const SUCCEEDED: RowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const FAILED: RowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

/** Prints core/v1 Pods. */
export const podPrinter: Printer = {
  columns: COLUMNS,
  print(object, now) {
    return printPod(object as Pod, now);
  },
};

/** Tracks the restart count and the latest restart time over a group of containers. */
class Restarts {
  count = 0;
  /** Epoch ms of the latest `lastState.terminated.finishedAt`, or null when none is known. */
  latest: number | null = null;

  add(status: ContainerStatus): void {
    this.count += status.restartCount ?? 0;
    const finished = status.lastState?.terminated?.finishedAt;
    const time = finished ? parseTimestamp(finished) : null;
    if (time !== null && (this.latest === null || this.latest < time)) this.latest = time;
  }

  text(now: Date): string {
    if (this.count === 0 || this.latest === null) return String(this.count);
    return `${this.count} (${humanDuration(now.getTime() - this.latest)} ago)`;
  }
}

function printPod(pod: Pod, now: Date): PrintedRow {
  const spec = pod.spec;
  const status: PodStatus = pod.status ?? {};
  const initContainers = spec?.initContainers ?? [];
  // Sidecars are init containers that keep running; they count as regular containers.
  const sidecarContainers = initContainers.filter((container) => container.restartPolicy === 'Always');
  const sidecars = new Set(sidecarContainers.map((container) => container.name));
  const total = (spec?.containers ?? []).length + sidecarContainers.length;

  let ready = 0;
  let reason = status.reason || status.phase || '';
  if ((status.conditions ?? []).some((condition) => condition.type === 'PodScheduled' && condition.reason === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }

  const allRestarts = new Restarts();
  const sidecarRestarts = new Restarts();
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (const [index, container] of initStatuses.entries()) {
    const sidecar = sidecars.has(container.name);
    allRestarts.add(container);
    if (sidecar) sidecarRestarts.add(container);
    const terminated = container.state?.terminated;
    const waiting = container.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && container.started) {
      if (container.ready) ready += 1;
      continue;
    }
    // The first init container that has not finished decides the status.
    if (terminated) {
      reason = `Init:${terminated.reason || exitText(terminated.signal, terminated.exitCode)}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${index}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  let restarts = allRestarts;
  if (!initializing || conditionIsTrue(status.conditions, 'Initialized')) {
    // Once initialised, only sidecar restarts carry over from the init containers.
    restarts = sidecarRestarts;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Walking from the last container makes the first container's state win.
    for (let index = statuses.length - 1; index >= 0; index--) {
      const container = statuses[index];
      restarts.add(container);
      const { waiting, terminated, running } = container.state ?? {};
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = exitText(terminated.signal, terminated.exitCode);
      else if (container.ready && running) {
        hasRunning = true;
        ready += 1;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = hasReadyCondition(status.conditions) ? 'Running' : 'NotReady';
  }

  const phase = status.phase;
  if (pod.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const row: PrintedRow = {
    cells: [
      pod.metadata?.name ?? '',
      `${ready}/${total}`,
      reason,
      restarts.text(now),
      formatAge(pod.metadata?.creationTimestamp, now),
      status.podIP || status.podIPs?.[0]?.ip || '<none>',
      spec?.nodeName || '<none>',
      status.nominatedNodeName || '<none>',
      readinessGatesText(pod),
    ],
  };
  if (phase === 'Succeeded') row.conditions = SUCCEEDED;
  if (phase === 'Failed') row.conditions = FAILED;
  return row;
}

function exitText(signal: number | undefined, exitCode: number | undefined): string {
  return signal ? `Signal:${signal}` : `ExitCode:${exitCode ?? 0}`;
}

/** Upstream looks at the first condition of the type only. */
function conditionIsTrue(conditions: PodCondition[] | undefined, type: string): boolean {
  return conditions?.find((condition) => condition.type === type)?.status === 'True';
}

function hasReadyCondition(conditions: PodCondition[] | undefined): boolean {
  return (conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True');
}

function readinessGatesText(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const passed = gates.filter((gate) => conditionIsTrue(pod.status?.conditions, gate.conditionType)).length;
  return `${passed}/${gates.length}`;
}
