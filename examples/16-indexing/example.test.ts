import { describe, expect, it } from 'vitest';
import { defaultBackend } from '../../src/testing.ts';
import { itBehavesLikeKopfExample, runExample } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

const real = defaultBackend() === 'real';
if (real) console.warn('example 16-indexing: pods are not run (the test control plane has no kubelet), so none is indexed as running');

describe.skipIf(!hasKubectl)('example 16-indexing', () => {
  let runningPods: unknown;
  let probed: { status: number; body: unknown } | undefined;

  const run = runExample({
    file: 'examples/16-indexing/example.ts',
    cluster: { runPods: true, timeScale: 0.05 },
    // Port 0: a free port, which the operator logs.
    args: ['--liveness', 'http://127.0.0.1:0/healthz'],
    startupWords: /Serving health status at/,
    creationWords: /Pods by label:/,
    afterCreation: async (run) => {
      await run.kubectlOk(['run', 'kopf-pod-1', '--image', 'busybox', '--labels', 'app=demo', '--', 'sleep', '3600']);
      await run.waitForOutput(/Pods by label: \{"app=demo":\["kopf-pod-1"\]\}/);
      const expected = real ? [] : ['default::kopf-pod-1'];
      runningPods = await run.cluster.waitFor(
        async () => {
          const object = await run.cluster.get('kopfexamples', 'kopf-example-1', 'default');
          const pods = (object?.status as Record<string, unknown> | undefined)?.['running-pods'];
          return JSON.stringify(pods) === JSON.stringify(expected) ? pods : undefined;
        },
        { timeout: 20_000, description: `status.running-pods to be ${JSON.stringify(expected)}` },
      );
      // Probe results are reused for 10 s: probe once the pod is in the indexes.
      const url = /Serving health status at (\S+)/.exec(run.output())![1];
      const response = await fetch(url);
      probed = { status: response.status, body: await response.json() };
    },
  });

  // Indexers and timers run on every event and every second: no counts to check.
  itBehavesLikeKopfExample(run, { creation: false, finalizer: 'spawning', changing: false, successCounts: {} });

  it('keeps the label index up to date for the timer', () => {
    expect(run().output()).toContain('[default/kopf-example-1] Pods by label: {}\n');
    expect(run().output()).toContain('[default/kopf-example-1] Pods by label: {"app=demo":["kopf-pod-1"]}\n');
  });

  it.skipIf(real)('writes the running pods from the other index into the status', () => {
    expect(runningPods).toEqual(['default::kopf-pod-1']);
  });

  it('serves the probes that read the indexes at the liveness endpoint', () => {
    expect(probed).toEqual({ status: 200, body: { podCount: 1, podNames: ['kopf-pod-1'] } });
  });

  it('indexes quietly: at debug level', () => {
    expect(run().output()).toMatch(/\[DEBUG *\] \[default\/kopf-pod-1\] Indexer 'isRunning' succeeded\./);
    expect(run().output()).not.toMatch(/\[INFO *\] \[default\/kopf-pod-1\] Indexer/);
  });
});
