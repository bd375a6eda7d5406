import { describe, expect, it } from 'vitest';
import type { Printer } from './columns.ts';
import { cronJobPrinter, daemonSetPrinter, deploymentPrinter, jobPrinter, replicaSetPrinter, statefulSetPrinter } from './workload-printers.ts';

const now = new Date('2026-01-02T03:04:05Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString().replace('.000Z', 'Z');
const metadata = (name: string) => ({ name, creationTimestamp: ago(7200) });
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1' }, { name: 'log', image: 'busybox' }] } };

const header = (printer: Printer) => printer.columns.map((column) => `${column.name}:${column.type}:${column.priority}`);

describe('deploymentPrinter', () => {
  it('prints ready/desired, up-to-date, available and the wide cells', () => {
    expect(header(deploymentPrinter)).toEqual([
      'Name:string:0', 'Ready:string:0', 'Up-to-date:string:0', 'Available:string:0', 'Age:string:0',
      'Containers:string:1', 'Images:string:1', 'Selector:string:1',
    ]);
    const deployment = {
      metadata: metadata('web'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] }, template },
      status: { replicas: 3, readyReplicas: 2, updatedReplicas: 1, availableReplicas: 2 },
    };
    expect(deploymentPrinter.print(deployment, now).cells).toEqual(['web', '2/3', 1, 2, '120m', 'app,log', 'nginx:1,busybox', 'app=web,env in (dev,prod)']);
  });

  it('prints zero counts for a deployment without status, and <invalid> for a bad selector', () => {
    const deployment = { metadata: metadata('web'), spec: { replicas: 1, selector: { matchExpressions: [{ key: 'a', operator: 'Near' }] }, template } };
    expect(deploymentPrinter.print(deployment, now).cells).toEqual(['web', '0/1', 0, 0, '120m', 'app,log', 'nginx:1,busybox', '<invalid>']);
  });
});

describe('replicaSetPrinter', () => {
  it('prints desired, current and ready as integers', () => {
    expect(header(replicaSetPrinter)).toEqual([
      'Name:string:0', 'Desired:integer:0', 'Current:integer:0', 'Ready:integer:0', 'Age:string:0',
      'Containers:string:1', 'Images:string:1', 'Selector:string:1',
    ]);
    const replicaSet = { metadata: metadata('web-abc'), spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template }, status: { replicas: 2, readyReplicas: 1 } };
    expect(replicaSetPrinter.print(replicaSet, now).cells).toEqual(['web-abc', 2, 2, 1, '120m', 'app,log', 'nginx:1,busybox', 'app=web']);
  });
});

describe('statefulSetPrinter', () => {
  it('prints ready/desired and the containers', () => {
    expect(header(statefulSetPrinter)).toEqual(['Name:string:0', 'Ready:string:0', 'Age:string:0', 'Containers:string:1', 'Images:string:1']);
    const statefulSet = { metadata: metadata('db'), spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'web' } }, template }, status: { replicas: 3, readyReplicas: 1 } };
    expect(statefulSetPrinter.print(statefulSet, now).cells).toEqual(['db', '1/3', '120m', 'app,log', 'nginx:1,busybox']);
  });
});

describe('daemonSetPrinter', () => {
  it('prints the scheduling counts and the node selector', () => {
    expect(header(daemonSetPrinter)).toEqual([
      'Name:string:0', 'Desired:integer:0', 'Current:integer:0', 'Ready:integer:0', 'Up-to-date:integer:0', 'Available:integer:0',
      'Node Selector:string:0', 'Age:string:0', 'Containers:string:1', 'Images:string:1', 'Selector:string:1',
    ]);
    const daemonSet = {
      metadata: metadata('agent'),
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { ...template, spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux', disk: 'ssd' } } } },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1, numberMisscheduled: 0 },
    };
    expect(daemonSetPrinter.print(daemonSet, now).cells).toEqual([
      'agent', 3, 2, 1, 2, 1, 'disk=ssd,kubernetes.io/os=linux', '120m', 'app,log', 'nginx:1,busybox', 'app=agent',
    ]);
  });

  it('says <none> without a node selector', () => {
    const daemonSet = { metadata: metadata('agent'), spec: { selector: { matchLabels: { app: 'agent' } }, template } };
    expect(daemonSetPrinter.print(daemonSet, now).cells.slice(1, 7)).toEqual([0, 0, 0, 0, 0, '<none>']);
  });
});

describe('jobPrinter', () => {
  const job = (spec: object, status: object, extra: object = {}) => ({
    metadata: { ...metadata('job'), ...extra },
    spec: { template, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } }, ...spec },
    status,
  });
  const cells = (subject: object) => jobPrinter.print(subject, now).cells;

  it('has the status, completions and duration columns', () => {
    expect(header(jobPrinter)).toEqual([
      'Name:string:0', 'Status:string:0', 'Completions:string:0', 'Duration:string:0', 'Age:string:0',
      'Containers:string:1', 'Images:string:1', 'Selector:string:1',
    ]);
  });

  it('prints a running job with its duration so far', () => {
    expect(cells(job({ completions: 1, parallelism: 1 }, { startTime: ago(500), active: 1 }))).toEqual([
      'job', 'Running', '0/1', '8m20s', '120m', 'app,log', 'nginx:1,busybox', 'batch.kubernetes.io/controller-uid=u1',
    ]);
  });

  it('prints a complete job with the time it took', () => {
    const complete = job(
      { completions: 3 },
      { startTime: ago(4000), completionTime: ago(3000), succeeded: 3, conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] },
    );
    expect(cells(complete).slice(1, 4)).toEqual(['Complete', '3/3', '16m']);
  });

  it('names Failed, Terminating, Suspended and FailureTarget jobs', () => {
    expect(cells(job({}, { conditions: [{ type: 'FailureTarget', status: 'True' }, { type: 'Failed', status: 'True' }] }))[1]).toBe('Failed');
    expect(cells(job({}, {}, { deletionTimestamp: ago(1) }))[1]).toBe('Terminating');
    expect(cells(job({ suspend: true }, { conditions: [{ type: 'Suspended', status: 'True' }] }))[1]).toBe('Suspended');
    expect(cells(job({}, { conditions: [{ type: 'FailureTarget', status: 'True' }] }))[1]).toBe('FailureTarget');
    expect(cells(job({}, { conditions: [{ type: 'Complete', status: 'False' }] }))[1]).toBe('Running');
  });

  it('prints work-queue completions with the parallelism', () => {
    expect(cells(job({ parallelism: 4 }, { succeeded: 1 }))[2]).toBe('1/1 of 4');
    expect(cells(job({ parallelism: 1 }, {}))[2]).toBe('0/1');
  });

  it('leaves the duration empty before the job starts', () => {
    expect(cells(job({ completions: 1 }, {}))[3]).toBe('');
  });
});

describe('cronJobPrinter', () => {
  it('prints schedule, time zone, suspend, active jobs and the last schedule', () => {
    expect(header(cronJobPrinter)).toEqual([
      'Name:string:0', 'Schedule:string:0', 'Timezone:string:0', 'Suspend:boolean:0', 'Active:integer:0', 'Last Schedule:string:0',
      'Age:string:0', 'Containers:string:1', 'Images:string:1', 'Selector:string:1',
    ]);
    const cronJob = {
      metadata: metadata('nightly'),
      spec: { schedule: '*/5 * * * *', timeZone: 'Etc/UTC', suspend: false, jobTemplate: { spec: { template } } },
      status: { active: [{ name: 'nightly-1' }], lastScheduleTime: ago(404) },
    };
    expect(cronJobPrinter.print(cronJob, now).cells).toEqual(['nightly', '*/5 * * * *', 'Etc/UTC', 'False', 1, '6m44s', '120m', 'app,log', 'nginx:1,busybox', '<none>']);
  });

  it('prints unset fields as upstream does', () => {
    const cronJob = { metadata: metadata('hourly'), spec: { schedule: '@hourly', jobTemplate: { spec: { template } } } };
    expect(cronJobPrinter.print(cronJob, now).cells.slice(1, 6)).toEqual(['@hourly', '<none>', '<unset>', 0, '<none>']);
    const suspended = { ...cronJob, spec: { ...cronJob.spec, suspend: true } };
    expect(cronJobPrinter.print(suspended, now).cells[3]).toBe('True');
  });
});
