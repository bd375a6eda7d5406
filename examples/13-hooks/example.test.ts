import { describe, expect, it } from 'vitest';
import { itBehavesLikeKopfExample, messagesMatching, runExample } from '../../test/support/example-e2e.ts';
import { hasKubectl } from '../../test/support/kubectl.ts';

describe.skipIf(!hasKubectl)('example 13-hooks', () => {
  let probed: { status: number; body: unknown } | undefined;

  const run = runExample({
    file: 'examples/13-hooks/example.ts',
    // Port 0: a free port, which the operator logs.
    args: ['--liveness', 'http://127.0.0.1:0/healthz'],
    startupWords: /Serving health status at/,
    // Any pod makes a background task; it need not run.
    object: {
      create: ['run', 'kopf-pod-1', '--image', 'busybox', '--', 'sleep', '3600'],
      resource: 'pod',
      name: 'kopf-pod-1',
      namespace: 'default',
    },
    creationWords: /\[default\/kopf-pod-1\] Served by the background task\./,
    afterCreation: async (run) => {
      const url = /Serving health status at (\S+)/.exec(run.output())![1];
      const response = await fetch(url);
      probed = { status: response.status, body: await response.json() };
    },
    // The event handler logs nothing about a deleted pod; its task serves on until the cleanup.
    deletionWords: null,
  });

  itBehavesLikeKopfExample(run, {
    creation: false,
    finalizer: false,
    changing: false,
    successCounts: { startupFnSimple: 1, startupFnRetried: 1, cleanupFn: 1 },
  });

  it('runs the startup handlers before anything else, retrying the one that asks for it', () => {
    const output = run().output();
    expect(messagesMatching(output, /^Activity 'startupFn\w+' (failed|succeeded)/)).toEqual([
      "Activity 'startupFnSimple' succeeded.",
      "Activity 'startupFnRetried' failed temporarily: Going to succeed in 3s",
      "Activity 'startupFnRetried' failed temporarily: Going to succeed in 2s",
      "Activity 'startupFnRetried' failed temporarily: Going to succeed in 1s",
      "Activity 'startupFnRetried' succeeded.",
    ]);
    expect(output.indexOf("Activity 'startupFnRetried' succeeded.")).toBeLessThan(output.indexOf("Activity 'loginFn' is invoked."));
  });

  it('connects with the credentials of the login handler', () => {
    expect(messagesMatching(run().output(), /^(Initial authentication|Logging in|Activity 'loginFn' succeeded|Client is configured)/)).toEqual([
      'Initial authentication has been initiated.',
      'Logging in in 1s...',
      "Activity 'loginFn' succeeded.",
      'Initial authentication has finished.',
      'Client is configured by the login handlers.',
    ]);
  });

  it('serves the results of the probes at the liveness endpoint', () => {
    expect(probed).toEqual({ status: 200, body: { tasksCount: 1, monitoredObjects: { default: ['kopf-pod-1'] } } });
  });

  it('stops the background tasks in the cleanup handler', () => {
    const output = run().output();
    expect(messagesMatching(output, /^(Cleaning up|All pod-tasks|Serving is finished)/)).toEqual([
      'Cleaning up...',
      'All pod-tasks are requested to stop...',
      'Serving is finished by request.',
    ]);
    expect(output).toContain('[default/kopf-pod-1] Serving is finished by request.');
  });
});
