import type { ContainerStatus } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { defaultBackend } from '../../src/testing.ts';
import { itBehavesLikeKopfExample, runExample } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

const real = defaultBackend() === 'real';
if (real) console.warn('example pod-status-spy skipped: the test control plane has no kubelet, so pods get no container statuses; pods run only in the embedded cluster');

/** The events the spy printed: type and the container statuses. */
function spied(output: string): Array<{ type: string; statuses: ContainerStatus[] }> {
  return [...output.matchAll(/\[default\/crash\] (\w+) crash: (.*)$/gm)].map(([, type, statuses]) => ({ type, statuses: JSON.parse(statuses) as ContainerStatus[] }));
}

describe.skipIf(real || !hasKubectl)('example pod-status-spy', () => {
  const run = runExample({
    file: 'examples/pod-status-spy/example.ts',
    // A simulated second takes 50 ms: the 5 s run 0.25 s, the first back-offs 0.5 s and 1 s.
    cluster: { runPods: true, timeScale: 0.05 },
    object: {
      create: ['run', 'crash', '--image', 'busybox', '--restart', 'Always', '--command', '--', 'sh', '-c', "echo 'Hello, Kubernetes!'; sleep 5; exit 1"],
      resource: 'pod',
      name: 'crash',
      namespace: 'default',
    },
    // The third restart: two crashes and a back-off seen.
    creationWords: /MODIFIED crash: .*"restartCount":3/,
    deletionWords: /DELETED crash:/,
  });

  // An event handler runs on every event: no counts to check.
  itBehavesLikeKopfExample(run, { creation: false, finalizer: false, changing: false, successCounts: {} });

  it('prints the modifications of the pod, with its container statuses', () => {
    const events = spied(run().output());
    expect(events.filter((event) => event.type === 'MODIFIED').length).toBeGreaterThan(3);
    // Pods without container statuses (new, unscheduled) are filtered out: no ADDED event is printed.
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(['MODIFIED', 'DELETED']));
    expect(events.every((event) => event.statuses.length === 1 && event.statuses[0].name === 'crash')).toBe(true);
  });

  it('shows the container terminated with exit code 1 and reason Error', () => {
    const terminated = spied(run().output()).map((event) => event.statuses[0].state?.terminated).filter((state) => state !== undefined);
    expect(terminated.length).toBeGreaterThan(0);
    expect(terminated[0]).toMatchObject({ exitCode: 1, reason: 'Error' });
  });

  it('shows the restart count growing, and the back-off between the crashes', () => {
    const statuses = spied(run().output()).map((event) => event.statuses[0]);
    const counts = statuses.map((status) => status.restartCount);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect([0, 1, 2, 3].every((count) => counts.includes(count))).toBe(true);
    expect(statuses.some((status) => status.state?.waiting?.reason === 'CrashLoopBackOff' && status.lastState?.terminated?.exitCode === 1)).toBe(true);
  });
});
