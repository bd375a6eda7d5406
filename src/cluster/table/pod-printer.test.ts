import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod, PodSpec, PodStatus } from 'kubernetes-types/core/v1.js';
import { podPrinter } from './pod-printer.ts';

const now = new Date('2026-01-02T03:04:05Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString().replace('.000Z', 'Z');

function pod(spec: Partial<PodSpec>, status: PodStatus, metadata: Pod['metadata'] = {}): Pod {
  return {
    metadata: { name: 'p', creationTimestamp: ago(300), ...metadata },
    spec: { containers: [{ name: 'app' }], ...spec },
    status,
  };
}

function container(name: string, fields: Partial<ContainerStatus>): ContainerStatus {
  return { name, image: `${name}:1`, imageID: '', ready: false, restartCount: 0, ...fields };
}

const running = { running: { startedAt: ago(60) } };

/** The READY, STATUS and RESTARTS cells. */
function summary(subject: Pod): unknown[] {
  return podPrinter.print(subject, now).cells.slice(1, 4);
}

describe('podPrinter columns', () => {
  it('has kubectl get pods columns, the wide ones at priority 1', () => {
    expect(podPrinter.columns.map((column) => [column.name, column.type, column.priority])).toEqual([
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Status', 'string', 0],
      ['Restarts', 'string', 0],
      ['Age', 'string', 0],
      ['IP', 'string', 1],
      ['Node', 'string', 1],
      ['Nominated Node', 'string', 1],
      ['Readiness Gates', 'string', 1],
    ]);
    expect(podPrinter.columns[0].format).toBe('name');
  });
});

describe('podPrinter STATUS, READY and RESTARTS', () => {
  it('shows the phase of a pod without container statuses', () => {
    expect(summary(pod({}, { phase: 'Pending' }))).toEqual(['0/1', 'Pending', '0']);
  });

  it('shows a waiting reason such as ContainerCreating', () => {
    const subject = pod({}, { phase: 'Pending', containerStatuses: [container('app', { state: { waiting: { reason: 'ContainerCreating' } } })] });
    expect(summary(subject)).toEqual(['0/1', 'ContainerCreating', '0']);
  });

  it('counts ready running containers', () => {
    const subject = pod(
      { containers: [{ name: 'a' }, { name: 'b' }] },
      { phase: 'Running', containerStatuses: [container('a', { ready: true, state: running }), container('b', { state: running })] },
    );
    expect(summary(subject)).toEqual(['1/2', 'Running', '0']);
  });

  it('shows CrashLoopBackOff with restarts and the time of the last one', () => {
    const subject = pod({}, {
      phase: 'Running',
      containerStatuses: [
        container('app', {
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(40), finishedAt: ago(25) } },
        }),
      ],
    });
    expect(summary(subject)).toEqual(['0/1', 'CrashLoopBackOff', '3 (25s ago)']);
  });

  it('shows a terminated reason such as Error or Completed', () => {
    const failed = pod({ restartPolicy: 'Never' }, {
      phase: 'Failed',
      containerStatuses: [container('app', { state: { terminated: { exitCode: 2, reason: 'Error', finishedAt: ago(10) } } })],
    });
    expect(summary(failed)).toEqual(['0/1', 'Error', '0']);
    const done = pod({ restartPolicy: 'Never' }, {
      phase: 'Succeeded',
      containerStatuses: [container('app', { state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: ago(10) } } })],
    });
    expect(summary(done)).toEqual(['0/1', 'Completed', '0']);
  });

  it('shows ExitCode:N or Signal:N for a termination without a reason', () => {
    const exited = pod({}, { phase: 'Running', containerStatuses: [container('app', { state: { terminated: { exitCode: 137 } } })] });
    expect(summary(exited)[1]).toBe('ExitCode:137');
    const signalled = pod({}, { phase: 'Running', containerStatuses: [container('app', { state: { terminated: { exitCode: 0, signal: 9 } } })] });
    expect(summary(signalled)[1]).toBe('Signal:9');
  });

  it('lets the first container win over later ones', () => {
    const subject = pod(
      { containers: [{ name: 'a' }, { name: 'b' }] },
      {
        phase: 'Running',
        containerStatuses: [
          container('a', { state: { waiting: { reason: 'ImagePullBackOff' } } }),
          container('b', { state: { waiting: { reason: 'CrashLoopBackOff' } } }),
        ],
      },
    );
    expect(summary(subject)[1]).toBe('ImagePullBackOff');
  });

  it('says NotReady or Running when a container completed but another still runs', () => {
    const statuses = [container('a', { ready: true, state: running }), container('b', { state: { terminated: { exitCode: 0, reason: 'Completed' } } })];
    const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
    expect(summary(pod(spec, { phase: 'Running', containerStatuses: statuses }))[1]).toBe('NotReady');
    const ready = pod(spec, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: statuses });
    expect(summary(ready)[1]).toBe('Running');
  });

  it('shows Init:X/Y while an init container runs', () => {
    const subject = pod({ initContainers: [{ name: 'init' }] }, {
      phase: 'Pending',
      initContainerStatuses: [container('init', { state: running })],
      containerStatuses: [container('app', { state: { waiting: { reason: 'PodInitializing' } } })],
    });
    expect(summary(subject)).toEqual(['0/1', 'Init:0/1', '0']);
  });

  it('counts finished init containers and reports the first unfinished one', () => {
    const subject = pod({ initContainers: [{ name: 'one' }, { name: 'two' }] }, {
      phase: 'Pending',
      initContainerStatuses: [
        container('one', { state: { terminated: { exitCode: 0, reason: 'Completed' } } }),
        container('two', { state: { waiting: { reason: 'PodInitializing' } } }),
      ],
    });
    expect(summary(subject)[1]).toBe('Init:1/2');
  });

  it('shows Init:<reason>, Init:ExitCode:N and Init:Signal:N for failing init containers', () => {
    const withInit = (state: ContainerStatus['state'], restartCount = 0) =>
      pod({ initContainers: [{ name: 'init' }] }, { phase: 'Pending', initContainerStatuses: [container('init', { state, restartCount })] });
    expect(summary(withInit({ waiting: { reason: 'CrashLoopBackOff' } }, 4))).toEqual(['0/1', 'Init:CrashLoopBackOff', '4']);
    expect(summary(withInit({ terminated: { exitCode: 3, reason: 'OOMKilled' } }))[1]).toBe('Init:OOMKilled');
    expect(summary(withInit({ terminated: { exitCode: 3 } }))[1]).toBe('Init:ExitCode:3');
    expect(summary(withInit({ terminated: { exitCode: 1, signal: 15 } }))[1]).toBe('Init:Signal:15');
  });

  it('counts a started sidecar as a container, with its restarts', () => {
    const subject = pod({ initContainers: [{ name: 'side', restartPolicy: 'Always' }] }, {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [
        container('side', { ready: true, started: true, restartCount: 2, state: running, lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } } }),
      ],
      containerStatuses: [container('app', { ready: true, restartCount: 1, state: running, lastState: { terminated: { exitCode: 1, finishedAt: ago(3600) } } })],
    });
    expect(summary(subject)).toEqual(['2/2', 'Running', '3 (30s ago)']);
  });

  it('shows Terminating for a deleted pod that has not finished', () => {
    const status: PodStatus = { phase: 'Running', containerStatuses: [container('app', { ready: true, state: running })] };
    expect(summary(pod({}, status, { deletionTimestamp: ago(5) }))).toEqual(['1/1', 'Terminating', '0']);
    const finished: PodStatus = { phase: 'Succeeded', containerStatuses: [container('app', { state: { terminated: { exitCode: 0, reason: 'Completed' } } })] };
    expect(summary(pod({}, finished, { deletionTimestamp: ago(5) }))[1]).toBe('Completed');
  });

  it('shows Unknown for a deleted pod on a lost node', () => {
    expect(summary(pod({}, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: ago(5) }))[1]).toBe('Unknown');
  });

  it('prefers status.reason over the phase, and SchedulingGated over both', () => {
    expect(summary(pod({}, { phase: 'Failed', reason: 'Evicted' }))[1]).toBe('Evicted');
    const gated = pod({ schedulingGates: [{ name: 'example.com/wait' }] }, {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
    });
    expect(summary(gated)[1]).toBe('SchedulingGated');
  });
});

describe('podPrinter other cells', () => {
  it('fills name, age and the wide cells', () => {
    const subject = pod(
      { nodeName: 'node-1', readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }] },
      {
        phase: 'Running',
        podIP: '10.244.0.7',
        podIPs: [{ ip: '10.244.0.7' }, { ip: 'fd00::7' }],
        nominatedNodeName: 'node-2',
        conditions: [
          { type: 'example.com/a', status: 'True' },
          { type: 'example.com/b', status: 'False' },
        ],
      },
      { name: 'web-0' },
    );
    expect(podPrinter.print(subject, now).cells).toEqual(['web-0', '0/1', 'Running', '0', '5m', '10.244.0.7', 'node-1', 'node-2', '1/2']);
  });

  it('says <none> for unset wide cells', () => {
    expect(podPrinter.print(pod({}, { phase: 'Pending' }), now).cells.slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>']);
  });

  it('marks finished pods with a Completed row condition', () => {
    expect(podPrinter.print(pod({}, { phase: 'Succeeded' }), now).conditions).toEqual([
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
    expect(podPrinter.print(pod({}, { phase: 'Failed' }), now).conditions).toEqual([
      { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
    ]);
    expect(podPrinter.print(pod({}, { phase: 'Running' }), now).conditions).toBeUndefined();
  });
});
