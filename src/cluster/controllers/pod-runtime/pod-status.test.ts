import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../resource-type.ts';
import { podPhase, podStatus } from './pod-status.ts';
import type { ContainerRun, ContainerRuntime, PodRuntime } from './runtime-state.ts';

const t0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const node = { hostIP: '10.0.0.2' };

function pod(spec: Record<string, unknown>, status: Record<string, unknown> = { phase: 'Pending', qosClass: 'BestEffort' }): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { restartPolicy: 'Always', ...spec }, status };
}

function run(attempt: number, exit?: { code: number; at: number }, started = 0): ContainerRun {
  return {
    id: `${attempt}`.repeat(64).slice(0, 64),
    attempt,
    image: 'docker.io/library/busybox:latest',
    imageID: 'docker.io/library/busybox@sha256:abc',
    startedAt: at(started),
    ready: true,
    started: true,
    ...(exit ? { finishedAt: at(exit.at), exitCode: exit.code, reason: exit.code === 0 ? 'Completed' : 'Error' } : {}),
  };
}

function runtime(containers: ContainerRuntime[], extra: Partial<PodRuntime> = {}): PodRuntime {
  return { sandboxReady: true, podIP: '10.244.0.5', startTime: t0, initContainers: [], containers, terminal: false, ...extra };
}

const app = { name: 'app', image: 'busybox' };
const conditionsOf = (status: Record<string, unknown>) => (status.conditions as Array<Record<string, unknown>>).map((c) => [c.type, c.status, c.reason]);

describe('podStatus', () => {
  it('shows a new pod waiting in ContainerCreating, without a pod IP before its sandbox', () => {
    const status = podStatus(pod({ containers: [app] }), runtime([{ name: 'app', runs: [] }], { sandboxReady: false, podIP: undefined }), node, at(1));
    expect(status).toEqual({
      phase: 'Pending',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'False', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:01Z' },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:01Z' },
        { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:01Z', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' },
        { type: 'ContainersReady', status: 'False', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:01Z', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:01Z' },
      ],
      hostIP: '10.0.0.2',
      hostIPs: [{ ip: '10.0.0.2' }],
      startTime: '2026-01-01T00:00:00Z',
      containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0, image: 'busybox', imageID: '', started: false }],
      qosClass: 'BestEffort',
    });
  });

  it('shows a running container with its id, image and mounts, and keeps transition times that did not change', () => {
    const spec = { containers: [{ ...app, volumeMounts: [{ name: 'token', mountPath: '/var/run/secrets', readOnly: true }, { name: 'data', mountPath: '/data' }] }] };
    const before = podStatus(pod(spec), runtime([{ name: 'app', runs: [] }]), node, at(1));
    const status = podStatus(pod(spec, before), runtime([{ name: 'app', runs: [run(0, undefined, 2)] }]), node, at(3));
    expect(status.phase).toBe('Running');
    expect(status.podIPs).toEqual([{ ip: '10.244.0.5' }]);
    expect((status.containerStatuses as unknown[])[0]).toEqual({
      name: 'app',
      state: { running: { startedAt: '2026-01-01T00:00:02Z' } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: 'docker.io/library/busybox:latest',
      imageID: 'docker.io/library/busybox@sha256:abc',
      containerID: `containerd://${'0'.repeat(64)}`,
      started: true,
      volumeMounts: [
        { name: 'token', mountPath: '/var/run/secrets', readOnly: true, recursiveReadOnly: 'Disabled' },
        { name: 'data', mountPath: '/data' },
      ],
    });
    const transitions = Object.fromEntries((status.conditions as Array<Record<string, string>>).map((c) => [c.type, c.lastTransitionTime]));
    expect(transitions).toEqual({
      PodReadyToStartContainers: '2026-01-01T00:00:01Z',
      Initialized: '2026-01-01T00:00:01Z',
      Ready: '2026-01-01T00:00:03Z',
      ContainersReady: '2026-01-01T00:00:03Z',
      PodScheduled: '2026-01-01T00:00:01Z',
    });
  });

  it('shows a crash loop: waiting with the back-off, the last run in lastState, the restart count of the latest run', () => {
    const container: ContainerRuntime = {
      name: 'app',
      runs: [run(1, { code: 1, at: 10 }, 5), run(2, { code: 1, at: 20 }, 15)],
      waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=app pod=p_default(u1)' },
    };
    const status = podStatus(pod({ containers: [app] }), runtime([container]), node, at(21));
    expect(status.phase).toBe('Running');
    expect((status.containerStatuses as unknown[])[0]).toMatchObject({
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=app pod=p_default(u1)' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2026-01-01T00:00:15Z', finishedAt: '2026-01-01T00:00:20Z', containerID: `containerd://${'2'.repeat(64)}` } },
      restartCount: 2,
      ready: false,
      started: false,
    });
  });

  it('shows the previous run in lastState while the next one runs', () => {
    const container: ContainerRuntime = { name: 'app', runs: [run(0, { code: 1, at: 5 }), run(1, undefined, 6)] };
    const status = podStatus(pod({ containers: [app] }), runtime([container]), node, at(7));
    expect((status.containerStatuses as Array<Record<string, unknown>>)[0]).toMatchObject({
      state: { running: { startedAt: '2026-01-01T00:00:06Z' } },
      lastState: { terminated: { exitCode: 1, finishedAt: '2026-01-01T00:00:05Z' } },
      restartCount: 1,
    });
  });

  it('finishes a pod: the terminal phase decides the conditions, and the sandbox is gone', () => {
    const status = podStatus(pod({ restartPolicy: 'Never', containers: [app] }), runtime([{ name: 'app', runs: [run(0, { code: 0, at: 3 })] }], { terminal: true, sandboxReady: false }), node, at(4));
    expect(status.phase).toBe('Succeeded');
    expect(conditionsOf(status)).toEqual([
      ['PodReadyToStartContainers', 'False', undefined],
      ['Initialized', 'True', 'PodCompleted'],
      ['Ready', 'False', 'PodCompleted'],
      ['ContainersReady', 'False', 'PodCompleted'],
      ['PodScheduled', 'True', undefined],
    ]);
    const failed = podStatus(pod({ restartPolicy: 'Never', containers: [app] }), runtime([{ name: 'app', runs: [run(0, { code: 2, at: 3 })] }], { terminal: true }), node, at(4));
    expect(failed.phase).toBe('Failed');
    expect(conditionsOf(failed).slice(1, 4)).toEqual([
      ['Initialized', 'True', undefined],
      ['Ready', 'False', 'PodFailed'],
      ['ContainersReady', 'False', 'PodFailed'],
    ]);
  });

  it('reports init containers: PodInitializing everywhere, then the incomplete ones', () => {
    const spec = { initContainers: [{ name: 'first', image: 'busybox' }, { name: 'second', image: 'busybox' }], containers: [app] };
    const status = podStatus(pod(spec), { ...runtime([{ name: 'app', runs: [] }]), initContainers: [{ name: 'first', runs: [run(0, { code: 0, at: 2 })] }, { name: 'second', runs: [run(0, undefined, 3)] }] }, node, at(4));
    expect(status.phase).toBe('Pending');
    expect(conditionsOf(status)[1]).toEqual(['Initialized', 'False', 'ContainersNotInitialized']);
    expect((status.conditions as Array<Record<string, unknown>>)[1].message).toBe('containers with incomplete status: [second]');
    const inits = status.initContainerStatuses as Array<Record<string, unknown>>;
    expect(inits.map((s) => [s.name, s.ready, s.started])).toEqual([
      ['first', true, false],
      ['second', false, true],
    ]);
    expect((status.containerStatuses as Array<Record<string, unknown>>)[0].state).toEqual({ waiting: { reason: 'PodInitializing' } });
  });

  it('keeps conditions the kubelet does not own, and honours readiness gates', () => {
    const spec = { containers: [app], readinessGates: [{ conditionType: 'example.com/ready' }] };
    const old = { phase: 'Running', conditions: [{ type: 'example.com/ready', status: 'False' }] };
    const status = podStatus(pod(spec, old), runtime([{ name: 'app', runs: [run(0)] }]), node, at(1));
    const ready = (status.conditions as Array<Record<string, unknown>>).find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'ReadinessGatesNotReady', message: 'the status of pod readiness gate "example.com/ready" is not "True", but False' });
    expect((status.conditions as Array<Record<string, unknown>>).at(-1)).toEqual({ type: 'example.com/ready', status: 'False' });
  });
});

describe('podPhase', () => {
  const waiting = { state: { waiting: { reason: 'ContainerCreating' } } };
  const running = { state: { running: {} } };
  const exited = (exitCode: number) => ({ state: { terminated: { exitCode } } });
  const backingOff = (exitCode: number) => ({ state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode } } });

  it('follows the kubelet: waiting is Pending, running is Running, restarting counts as stopped', () => {
    expect(podPhase({ restartPolicy: 'Always' }, [], [waiting], false)).toBe('Pending');
    expect(podPhase({ restartPolicy: 'Always' }, [], [running, exited(1)], false)).toBe('Running');
    expect(podPhase({ restartPolicy: 'Always' }, [], [backingOff(1)], false)).toBe('Running');
    expect(podPhase({ restartPolicy: 'OnFailure' }, [], [exited(0)], false)).toBe('Succeeded');
    expect(podPhase({ restartPolicy: 'OnFailure' }, [], [backingOff(1)], false)).toBe('Running');
    expect(podPhase({ restartPolicy: 'Never' }, [], [exited(0), exited(1)], false)).toBe('Failed');
    expect(podPhase({ restartPolicy: 'Always' }, [], [exited(0)], true)).toBe('Succeeded');
    expect(podPhase({ restartPolicy: 'Always' }, [], [exited(137)], true)).toBe('Failed');
  });

  it('fails a pod whose init container failed under Never, and keeps it Pending while initialising', () => {
    const spec = { restartPolicy: 'Never', initContainers: [{ name: 'init' }] };
    expect(podPhase(spec, [exited(1)], [waiting], false)).toBe('Failed');
    expect(podPhase({ ...spec, restartPolicy: 'Always' }, [backingOff(1)], [waiting], false)).toBe('Pending');
    expect(podPhase(spec, [running], [waiting], false)).toBe('Pending');
  });
});
