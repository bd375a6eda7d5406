import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors.ts';
import type { KubeObject } from '../../resource-type.ts';
import { ContainerLogs } from './container-logs.ts';
import { podLog } from './pod-log-request.ts';

const t0 = new Date('2026-01-01T00:00:00.250Z');
const id = (n: number) => String(n).repeat(64);

function pod(containerStatuses: unknown[], containers = [{ name: 'app' }], nodeName = 'node'): KubeObject {
  return { metadata: { name: 'p', namespace: 'default' }, spec: { nodeName, containers }, status: { containerStatuses } };
}

const running = (n: number, previous?: number) => ({
  name: 'app',
  state: { running: {} },
  containerID: `containerd://${id(n)}`,
  lastState: previous ? { terminated: { containerID: `containerd://${id(previous)}` } } : {},
});
const crashLooping = (n: number) => ({ name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } }, containerID: `containerd://${id(n)}`, lastState: { terminated: { containerID: `containerd://${id(n)}` } } });

function setUp() {
  const logs = new ContainerLogs();
  logs.open(id(1)).append('first run\n', t0);
  const second = logs.open(id(2));
  second.append('one\ntwo\n', t0);
  second.append('three\n', new Date(t0.getTime() + 2000));
  return { logs, second, node: { name: 'node', logs } };
}

const query = (text = '') => new URLSearchParams(text);

function apiError(action: () => unknown): ApiError {
  try {
    action();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('podLog', () => {
  it('reads the running container, or the previous run with previous=true', () => {
    const { node } = setUp();
    expect(podLog(pod([running(2, 1)]), query(), node, t0).text).toBe('one\ntwo\nthree\n');
    expect(podLog(pod([running(2, 1)]), query('previous=true'), node, t0).text).toBe('first run\n');
  });

  it('reads the last run of a crash-looping container either way, as the kubelet does', () => {
    const { node } = setUp();
    expect(podLog(pod([crashLooping(2)]), query(), node, t0).text).toBe('one\ntwo\nthree\n');
    expect(podLog(pod([crashLooping(2)]), query('previous=1'), node, t0).text).toBe('one\ntwo\nthree\n');
  });

  it('applies tailLines, sinceSeconds, timestamps and limitBytes', () => {
    const { node } = setUp();
    const p = pod([running(2)]);
    expect(podLog(p, query('tailLines=1'), node, t0).text).toBe('three\n');
    expect(podLog(p, query('tailLines=0'), node, t0).text).toBe('');
    expect(podLog(p, query('sinceSeconds=1'), node, new Date(t0.getTime() + 2500)).text).toBe('three\n');
    expect(podLog(p, query('timestamps=true&tailLines=1'), node, t0).text).toBe('2026-01-01T00:00:02.250000000Z three\n');
    expect(podLog(p, query('limitBytes=6'), node, t0).text).toBe('one\ntw');
  });

  it('follows a running container until its run ends', () => {
    const { node, second } = setUp();
    const answer = podLog(pod([running(2)]), query('follow=true&tailLines=1'), node, t0);
    expect(answer.text).toBe('three\n');
    const received: string[] = [];
    let ended = false;
    answer.follow!((text) => received.push(text), () => (ended = true));
    second.append('four\nfi', t0);
    second.append('ve\n', t0);
    expect(received).toEqual(['four\n', 'five\n']);
    second.end();
    expect(ended).toBe(true);
  });

  it("answers the kubelet's and the apiserver's errors", () => {
    const { node } = setUp();
    const waiting = pod([{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} }]);
    expect(apiError(() => podLog(waiting, query(), node, t0))).toMatchObject({ code: 400, message: 'container "app" in pod "p" is waiting to start: ContainerCreating' });
    expect(apiError(() => podLog(pod([running(2)]), query('previous=true'), node, t0)).message).toBe('previous terminated container "app" in pod "p" not found');
    const two = pod([running(2)], [{ name: 'app' }, { name: 'side' }]);
    expect(apiError(() => podLog(two, query(), node, t0)).message).toBe('a container name must be specified for pod p, choose one of: [app side]');
    expect(apiError(() => podLog(two, query('container=nope'), node, t0)).message).toBe('container nope is not valid for pod p');
    const invalid = apiError(() => podLog(pod([running(2)]), query('tailLines=-1&sinceSeconds=1&sinceTime=2026-01-01T00:00:00Z'), node, t0));
    expect(invalid).toMatchObject({ code: 422, message: 'PodLogOptions "p" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified]' });
  });

  it('has nothing to read from a pod that is not on a node', () => {
    const { node } = setUp();
    expect(podLog(pod([], [{ name: 'app' }], ''), query(), node, t0)).toEqual({ text: '' });
    expect(podLog(pod([], [{ name: 'app' }], 'elsewhere'), query(), node, t0)).toEqual({ text: '' });
  });
});
