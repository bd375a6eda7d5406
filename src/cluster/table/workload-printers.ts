/**
 * Printers for the workload controllers' kinds: Deployment, ReplicaSet, StatefulSet and
 * DaemonSet (apps), Job and CronJob (batch).
 */

import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { CronJob, Job, JobCondition } from 'kubernetes-types/batch/v1.js';
import type { Container } from 'kubernetes-types/core/v1.js';
import { formatAge, humanDuration, parseTimestamp } from './age.ts';
import { AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, column } from './columns.ts';
import type { Printer } from './columns.ts';
import { formatLabelSelector, formatLabels, selectorText } from './label-text.ts';

const SELECTOR_COLUMN = column('Selector', 'string', 'Label selector for the pods it manages.', 1);

/** The wide Containers and Images cells: names and images joined by commas. */
function containerCells(containers: Container[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((container) => container.name).join(','), list.map((container) => container.image ?? '').join(',')];
}

/** Prints apps/v1 Deployments. */
export const deploymentPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Ready replicas out of the desired replicas.'),
    column('Up-to-date', 'string', 'Replicas running the latest pod template.'),
    column('Available', 'string', 'Replicas available to serve.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  print(object, now) {
    const deployment = object as Deployment;
    const status = deployment.status ?? {};
    return {
      cells: [
        deployment.metadata?.name ?? '',
        `${status.readyReplicas ?? 0}/${deployment.spec?.replicas ?? 0}`,
        status.updatedReplicas ?? 0,
        status.availableReplicas ?? 0,
        formatAge(deployment.metadata?.creationTimestamp, now),
        ...containerCells(deployment.spec?.template.spec?.containers),
        // Unlike the other workloads, an empty selector prints as nothing here, not <none>.
        selectorText(deployment.spec?.selector) ?? '<invalid>',
      ],
    };
  },
};

/** Prints apps/v1 ReplicaSets. */
export const replicaSetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'Replicas the spec asks for.'),
    column('Current', 'integer', 'Replicas that exist now.'),
    column('Ready', 'integer', 'Replicas that are ready.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  print(object, now) {
    const replicaSet = object as ReplicaSet;
    const status = replicaSet.status;
    return {
      cells: [
        replicaSet.metadata?.name ?? '',
        replicaSet.spec?.replicas ?? 0,
        status?.replicas ?? 0,
        status?.readyReplicas ?? 0,
        formatAge(replicaSet.metadata?.creationTimestamp, now),
        ...containerCells(replicaSet.spec?.template?.spec?.containers),
        formatLabelSelector(replicaSet.spec?.selector),
      ],
    };
  },
};

/** Prints apps/v1 StatefulSets. */
export const statefulSetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Ready replicas out of the desired replicas.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
  ],
  print(object, now) {
    const statefulSet = object as StatefulSet;
    return {
      cells: [
        statefulSet.metadata?.name ?? '',
        `${statefulSet.status?.readyReplicas ?? 0}/${statefulSet.spec?.replicas ?? 0}`,
        formatAge(statefulSet.metadata?.creationTimestamp, now),
        ...containerCells(statefulSet.spec?.template.spec?.containers),
      ],
    };
  },
};

/** Prints apps/v1 DaemonSets. */
export const daemonSetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'Nodes that should run the daemon pod.'),
    column('Current', 'integer', 'Nodes running at least one daemon pod.'),
    column('Ready', 'integer', 'Nodes whose daemon pod is ready.'),
    column('Up-to-date', 'integer', 'Nodes running the latest daemon pod template.'),
    column('Available', 'integer', 'Nodes whose daemon pod is available.'),
    column('Node Selector', 'string', 'Labels a node needs to run the daemon pod.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  print(object, now) {
    const daemonSet = object as DaemonSet;
    const status = daemonSet.status;
    return {
      cells: [
        daemonSet.metadata?.name ?? '',
        status?.desiredNumberScheduled ?? 0,
        status?.currentNumberScheduled ?? 0,
        status?.numberReady ?? 0,
        status?.updatedNumberScheduled ?? 0,
        status?.numberAvailable ?? 0,
        formatLabels(daemonSet.spec?.template.spec?.nodeSelector),
        formatAge(daemonSet.metadata?.creationTimestamp, now),
        ...containerCells(daemonSet.spec?.template.spec?.containers),
        formatLabelSelector(daemonSet.spec?.selector),
      ],
    };
  },
};

/** Prints batch/v1 Jobs. */
export const jobPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Overall state of the job.'),
    column('Completions', 'string', 'Succeeded pods out of the completions required.'),
    column('Duration', 'string', 'How long the job ran, or has been running.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  print(object, now) {
    const job = object as Job;
    return {
      cells: [
        job.metadata?.name ?? '',
        jobStatusText(job),
        completionsText(job),
        durationText(job, now),
        formatAge(job.metadata?.creationTimestamp, now),
        ...containerCells(job.spec?.template.spec?.containers),
        formatLabelSelector(job.spec?.selector),
      ],
    };
  },
};

function jobStatusText(job: Job): string {
  const conditions = job.status?.conditions;
  if (jobConditionIsTrue(conditions, 'Complete')) return 'Complete';
  if (jobConditionIsTrue(conditions, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (jobConditionIsTrue(conditions, 'Suspended')) return 'Suspended';
  if (jobConditionIsTrue(conditions, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** Upstream looks at the first condition of the type only. */
function jobConditionIsTrue(conditions: JobCondition[] | undefined, type: string): boolean {
  return conditions?.find((condition) => condition.type === type)?.status === 'True';
}

function completionsText(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const completions = job.spec?.completions;
  if (completions !== undefined && completions !== null) return `${succeeded}/${completions}`;
  // A work-queue job (no completions) is done after one success, however many run in parallel.
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function durationText(job: Job, now: Date): string {
  const start = job.status?.startTime ? parseTimestamp(job.status.startTime) : null;
  if (start === null) return '';
  const completion = job.status?.completionTime ? parseTimestamp(job.status.completionTime) : null;
  return humanDuration((completion ?? now.getTime()) - start);
}

/** Prints batch/v1 CronJobs. */
export const cronJobPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Schedule', 'string', 'Cron schedule of the job.'),
    column('Timezone', 'string', 'Time zone the schedule is read in.'),
    column('Suspend', 'boolean', 'Whether new runs are paused.'),
    column('Active', 'integer', 'Jobs running now.'),
    column('Last Schedule', 'string', 'How long ago a job was last scheduled.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  print(object, now) {
    const cronJob = object as CronJob;
    const suspend = cronJob.spec?.suspend;
    const lastSchedule = cronJob.status?.lastScheduleTime;
    return {
      cells: [
        cronJob.metadata?.name ?? '',
        cronJob.spec?.schedule ?? '',
        cronJob.spec?.timeZone ?? '<none>',
        // A text cell in a boolean column, exactly as upstream sends it.
        suspend === undefined || suspend === null ? '<unset>' : suspend ? 'True' : 'False',
        (cronJob.status?.active ?? []).length,
        lastSchedule ? formatAge(lastSchedule, now) : '<none>',
        formatAge(cronJob.metadata?.creationTimestamp, now),
        ...containerCells(cronJob.spec?.jobTemplate.spec?.template.spec?.containers),
        formatLabelSelector(cronJob.spec?.jobTemplate.spec?.selector),
      ],
    };
  },
};
